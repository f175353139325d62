"""``GCPArtifactStore``: the ``gcp`` flavor's implementation, Google Cloud Storage over
gcsfs.

Importing this module is cheap: gcsfs (and with it google-auth and aiohttp) is
imported on the first I/O, when ``_client`` builds the filesystem and resolves the
credentials. Writes go up through the cloud base's buffered upload: gcsfs's own file
starts a resumable upload even for a few bytes, and a retry of its final chunk after a
dropped connection can find the session closed (404) although the object was written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cargohold.plugin_api import CloudArtifactStore, md5_hex
from cargohold_gcp import errors
from cargohold_gcp.config import GCPArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


class GCPArtifactStore(CloudArtifactStore[GCPArtifactStoreConfig]):
    """Artifacts in a Google Cloud Storage bucket (or under a prefix in one)."""

    PATH_ANSWERS = errors.PATH_ANSWERS
    # gcsfs uploads create_new's object with ifGenerationMatch=0, which GCS refuses
    # (412, raised as FileExistsError) when the object exists.
    ATOMIC_CREATE = True

    @property
    def endpoint_override(self) -> str | None:
        """Where requests go instead of Google's endpoint: ``endpoint_url``, else the
        ``STORAGE_EMULATOR_HOST`` that gcsfs also honours."""
        configured = self.config.endpoint_url
        if configured is not None:
            return configured
        emulator = os.environ.get("STORAGE_EMULATOR_HOST", "")
        if emulator in ("", "default"):
            return None
        return emulator if "://" in emulator else f"http://{emulator}"

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        # Composite objects have a CRC32C only, and no md5Hash.
        return md5_hex(info.get("md5Hash"))

    def _connect(self, cache_options: Mapping[str, bool]) -> AbstractFileSystem:
        from cargohold_gcp import _client

        filesystem: AbstractFileSystem = _client.create_filesystem(self, cache_options)
        return filesystem

    def _translate_cause(self, cause: BaseException) -> Exception | None:
        return errors.translate(self, cause)

    def list_resources(self) -> list[str]:
        # The project's buckets these credentials can list: the ``gcp`` connector's resources.
        return [path.rstrip("/") for path in self.filesystem.ls("", refresh=True)]
