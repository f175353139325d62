"""``S3ArtifactStore``: the ``s3`` flavor's implementation, over s3fs.

Importing this module is cheap: s3fs (and with it botocore and aiohttp) is imported
on the first I/O, when ``_client`` builds the filesystem. Batch paths: ``walk``,
``glob`` and ``size`` list recursively in one paginated request (through the generic
store); ``copyfile`` and ``rename`` copy server-side; writes larger than one block go
up as multipart uploads; ``rmtree`` and directory ``rename`` delete with
DeleteObjects, 1,000 keys per request, here rather than through s3fs so that a key
the server refused to delete is reported instead of dropped. ``create_new`` is a
PutObject with ``If-None-Match: *``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cargohold.plugin_api import CloudArtifactStore, PathType, md5_hex
from cargohold_s3 import errors
from cargohold_s3.config import S3ArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# DeleteObjects takes at most this many keys per request.
_DELETE_BATCH = 1000


class S3ArtifactStore(CloudArtifactStore[S3ArtifactStoreConfig]):
    """Artifacts in an S3 bucket, on AWS or any S3-compatible server."""

    # s3fs sends create_new's PutObject with If-None-Match: *, and S3 refuses it (412)
    # when the key exists.
    ATOMIC_CREATE = True

    @property
    def bucket(self) -> str:
        return self.root.body.split("/", 1)[0]

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        # A single-part upload's ETag is its MD5; a multipart one ("...-N") is not, and
        # neither is the ETag of an SSE-KMS object (a mismatch, so it is read back).
        return md5_hex(str(info.get("ETag") or "").strip('"'))

    def _connect(self, cache_options: Mapping[str, bool]) -> AbstractFileSystem:
        from cargohold_s3 import _client

        filesystem: AbstractFileSystem = _client.create_filesystem(self.config, cache_options)
        return filesystem

    def _open_writer(self, path: str, mode: str) -> Any:
        # s3fs sends a small file in one request on close, and appends server-side.
        # Its 50 MiB default part makes a write hold ~175 MiB; a smaller part keeps a
        # process copying several large files at once within a modest footprint.
        return self.filesystem.open(path, mode, block_size=self.config.multipart_chunksize)

    def _translate_cause(self, cause: BaseException) -> Exception | None:
        return errors.translate(self, cause)

    def _create_found_object(self, exc: Exception) -> bool:
        return super()._create_found_object(exc) or errors.precondition_failed(exc)

    def _create_conflicted(self, exc: Exception) -> bool:
        return errors.conditional_conflict(exc)

    def list_resources(self) -> list[str]:
        # The buckets the credentials can list: the ``aws`` connector's resources.
        response = self.filesystem.call_s3("list_buckets")
        return [bucket["Name"] for bucket in response.get("Buckets", [])]

    # -- where S3 differs from a filesystem ---------------------------------------

    def _is_bucket(self, path: str) -> bool:
        return "/" not in self._fs_path(path).strip("/")

    def _bucket_exists(self) -> bool:
        # s3fs answers exists() for a bucket by trying two probes and swallowing
        # every error, so a wrong endpoint or key would read as "no such bucket".
        try:
            self.filesystem.call_s3("head_bucket", Bucket=self.bucket)
        except FileNotFoundError:
            return False
        return True

    def exists(self, path: PathType) -> bool:
        assert isinstance(path, str)
        if self._is_bucket(path):
            return self._bucket_exists()
        return super().exists(path)

    def makedirs(self, path: PathType) -> None:
        # S3 has no directories, only key prefixes, so there is nothing to create;
        # s3fs would create a missing *bucket* here, which a store must not do behind
        # the user's back. Checking the bucket still surfaces a wrong endpoint or key.
        if not self._bucket_exists():
            raise FileNotFoundError(
                self.message(
                    f"bucket {self.bucket!r} does not exist; create it, or fix the bucket "
                    "in the store path"
                )
            )

    def mkdir(self, path: PathType) -> None:
        self.makedirs(path)

    def rmtree(self, path: PathType) -> None:
        assert isinstance(path, str)
        # The bucket root is always there to empty. Anywhere else, refuse what is not
        # a directory, as every store does.
        if not self._is_bucket(path) and not self.isdir(path):
            if self.exists(path):
                raise NotADirectoryError(f"{path} is a file; use remove()")
            raise FileNotFoundError(f"no such directory: {path}")
        # Not fs.rm(recursive=True): for a bucket it would delete the bucket itself
        # and, if versioned, every old version in it.
        self._remove_tree(path)

    # -- the bulk delete behind rmtree and directory renames --------------------

    def _delete_files(self, paths: list[str]) -> None:
        """Delete objects of this bucket, 1,000 per request (the S3 maximum)."""
        keys = [self.filesystem.split_path(p)[1] for p in paths]
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            response = self.filesystem.call_s3(
                "delete_objects",
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            # DeleteObjects answers 200 even when some keys could not be deleted.
            failed = response.get("Errors") or []
            if failed:
                first = failed[0]
                raise OSError(
                    self.message(
                        f"{len(failed)} of {len(batch)} objects were not deleted; first: "
                        f"{first.get('Key')!r} ({first.get('Code')}: {first.get('Message')})"
                    )
                )
