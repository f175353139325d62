"""The ``gcp`` store: Google Cloud Storage through gcsfs, built on first use.

Nothing here imports gcsfs, google.* or aiohttp at module level: the flavor can
create a store object without them, and the first I/O names the install command.

Choices made for gcsfs, and why:

- Credentials are resolved here, not by gcsfs, because gcsfs quietly falls back to
  anonymous access when it finds none, which surfaces much later as a confusing 401.
- gcsfs retries every request 6 times with up to ~32 s of backoff and offers no
  setting for it, so each filesystem gets a bounded retry loop from the config.
- gcsfs sets no request timeouts by default; the config supplies connect and read
  timeouts.
- With an endpoint override (``endpoint_url`` or ``STORAGE_EMULATOR_HOST``) the plain
  JSON-API filesystem is used whatever ``GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT`` says:
  emulators and private JSON endpoints cannot answer the Storage Control gRPC probe
  that the experimental filesystem sends before each operation, and an unanswered
  probe is not cached, so every call would wait out its deadline (60 s by default).
  Without an override gcsfs's own choice stands, with the probe's deadline bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import types
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cargohold.errors import (
    StoreAuthenticationError,
    StoreConnectionError,
    exception_chain,
)
from cargohold.secrets import unresolved_secret
from cargohold.stores.fsspec import BufferedUpload, FsspecArtifactStore, md5_hex
from cargohold_gcp.config import ANONYMOUS_TOKEN, GCPArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# gcsfs's default access level; the store reads, writes and deletes objects.
_SCOPE = "https://www.googleapis.com/auth/devstorage.full_control"
_DEFAULT_ENDPOINT = "https://storage.googleapis.com"
# First retry waits about this long; each further one twice as long, up to the cap.
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0
# Errors that are answers about the paths, not about the endpoint or the credentials.
_ORDINARY = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    ValueError,
    TypeError,
)


class GCPArtifactStore(FsspecArtifactStore):
    """Artifacts in a Google Cloud Storage bucket (or under a prefix in one)."""

    @property
    def config(self) -> GCPArtifactStoreConfig:
        config = self._config
        assert isinstance(config, GCPArtifactStoreConfig)
        return config

    def listed_md5(self, info: Mapping[str, Any]) -> str | None:
        # Composite objects have a CRC32C only, and no md5Hash.
        return md5_hex(info.get("md5Hash"))

    # -- the filesystem -------------------------------------------------------

    def _create_filesystem(self) -> AbstractFileSystem:
        config = self.config
        if config.authentication_secret is not None:
            # Refuse rather than ignore: falling through to other credentials would
            # act as an identity the user did not choose.
            raise unresolved_secret(self.name, config.authentication_secret)
        # gcsfs first: where it is missing, that is the module the error should name.
        import gcsfs
        import gcsfs.core

        # isort: split
        import aiohttp

        token, project = self._credentials()
        endpoint = self._endpoint_override()
        options: dict[str, Any] = {}
        if endpoint is not None:
            filesystem_class: type[Any] = gcsfs.core.GCSFileSystem
        else:
            filesystem_class = gcsfs.GCSFileSystem
            if filesystem_class is not gcsfs.core.GCSFileSystem:
                # The experimental filesystem's bucket-layout probe retries for 60 s.
                options["retry_timeout"] = config.connect_timeout * (config.retries + 1)
        with warnings.catch_warnings():
            # The store never lists or creates buckets, which is all a project is for here.
            warnings.filterwarnings("ignore", message="GCS project not set")
            filesystem = filesystem_class(
                project=project,
                token=token,
                endpoint_url=endpoint,
                requests_timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=config.connect_timeout, sock_read=config.read_timeout
                ),
                batch_size=config.max_concurrency,
                # A store is shared by several processes: a cached listing would hide
                # their writes. Each store also gets its own instance, not fsspec's shared one.
                use_listings_cache=False,
                skip_instance_cache=True,
                **options,
            )
        _bound_retries(filesystem, gcsfs.core.GCSFileSystem, config.retries)
        return filesystem

    def _endpoint_override(self) -> str | None:
        configured = self.config.endpoint_url
        if configured is not None:
            return configured
        emulator = os.environ.get("STORAGE_EMULATOR_HOST", "")
        if emulator in ("", "default"):
            return None
        return emulator if "://" in emulator else f"http://{emulator}"

    def _credentials(self) -> tuple[Any, str | None]:
        """What gcsfs gets as ``token``, and the project: explicit token, else ADC."""
        import google.auth
        from google.auth.exceptions import GoogleAuthError

        project = self.config.project
        secret = self.config.token
        if secret is not None:
            value = secret.get_secret_value().strip()
            if value == ANONYMOUS_TOKEN:
                return ANONYMOUS_TOKEN, project
            try:
                if value.startswith("{"):
                    info = json.loads(value)
                elif os.path.isfile(os.path.expanduser(value)):
                    with open(os.path.expanduser(value), encoding="utf-8") as key_file:
                        info = json.load(key_file)
                else:
                    raise StoreAuthenticationError(
                        f"{self.name}: token is neither a JSON key nor the path of an existing "
                        f"key file; give one of those, or {ANONYMOUS_TOKEN!r}"
                    )
                credentials, key_project = _credentials_from_key(info)
            except (ValueError, KeyError, GoogleAuthError):
                # The underlying message may quote the key; say only which kind of problem.
                raise StoreAuthenticationError(
                    f"{self.name}: token could not be loaded as a service-account or "
                    "authorized-user key; check that it is the complete JSON key file"
                ) from None
            return credentials, project or key_project
        try:
            credentials, adc_project = google.auth.default(scopes=[_SCOPE])
        except GoogleAuthError as exc:
            raise StoreAuthenticationError(
                f"{self.name}: no Google Cloud credentials found ({_one_line(exc)}); set token, "
                "or GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default "
                f"login`; for a public bucket or an emulator set token to {ANONYMOUS_TOKEN!r}"
            ) from None
        return credentials, project or adc_project

    # -- writing --------------------------------------------------------------

    def _open_writer(self, path: str, mode: str) -> BufferedUpload:
        # gcsfs's own file starts a resumable upload even for a few bytes; a retry of
        # its final chunk after a dropped connection can find the session closed (404)
        # although the object was written. Small writes go up as one request instead.
        return self._buffered_writer(path)

    # -- errors ---------------------------------------------------------------

    def _translate_error(self, exc: Exception) -> Exception | None:
        if self._filesystem is None or isinstance(exc, _ORDINARY):
            return None
        import aiohttp
        import requests
        from fsspec.exceptions import FSTimeoutError
        from gcsfs.retry import HttpError
        from google.auth.exceptions import RefreshError, TransportError

        endpoint = _displayed(self._endpoint_override() or _DEFAULT_ENDPOINT)
        for cause in exception_chain(exc):
            if isinstance(cause, (HttpError, RefreshError)) and (
                isinstance(cause, RefreshError) or cause.code == 401
            ):
                return StoreAuthenticationError(
                    f"{self.name}: {endpoint} refused the credentials ({_one_line(cause)}); "
                    "check token or Application Default Credentials"
                )
            if type(cause) is OSError and str(cause).startswith("Forbidden"):
                return StoreAuthenticationError(
                    f"{self.name}: permission denied on {self.path} "
                    f"({_one_line(cause, lines=2)}); grant the account access to the bucket"
                )
            if isinstance(cause, HttpError) and cause.code is not None:
                return StoreConnectionError(
                    f"{self.name}: {endpoint} kept failing ({_one_line(cause)}) after "
                    f"{self.config.retries} retries; try again later or raise `retries`"
                )
            if isinstance(
                cause,
                (
                    aiohttp.ClientError,
                    asyncio.TimeoutError,
                    FSTimeoutError,
                    ConnectionError,
                    TransportError,
                    requests.exceptions.ConnectionError,
                ),
            ):
                return StoreConnectionError(
                    f"{self.name}: cannot reach Google Cloud Storage at {endpoint} "
                    f"({_one_line(cause) or type(cause).__name__}); check endpoint_url, the "
                    "network and proxies, or raise connect_timeout"
                )
        return None


def _credentials_from_key(info: object) -> tuple[Any, str | None]:
    """Credentials from a parsed key: only the two kinds of key a person hands over.

    google-auth's generic loaders also accept external-account configurations, which
    can run commands or fetch URLs; a token field is no place to allow that.
    """
    if not isinstance(info, dict):
        raise ValueError("a key is a JSON object")
    kind = info.get("type")
    if kind == "service_account":
        from google.oauth2 import service_account

        account = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[_SCOPE]
        )
        return account, info.get("project_id")
    if kind == "authorized_user":
        from google.oauth2.credentials import Credentials

        user = Credentials.from_authorized_user_info(info, scopes=[_SCOPE])  # type: ignore[no-untyped-call]
        return user, info.get("quota_project_id")
    raise ValueError(f"unsupported key type {kind!r}")


def _bound_retries(filesystem: Any, base: type[Any], retries: int) -> None:
    """Give ``filesystem`` a request method that retries ``retries`` times, then raises.

    gcsfs decorates ``_request`` with a retry loop whose count is fixed when the class
    is defined; the undecorated function is kept as ``__wrapped__``. If a later gcsfs
    drops it, gcsfs's own retries stay in place rather than none at all.
    """
    from gcsfs.retry import is_retriable
    from google.auth.exceptions import RefreshError

    def worth_retrying(exc: Exception) -> bool:
        # gcsfs reports a refused token exchange as a retriable 401; google-auth has
        # already retried the exchange itself when the failure looked transient.
        refused = isinstance(exc.__cause__, RefreshError) and not exc.__cause__.retryable
        return is_retriable(exc) and not refused

    request: Callable[..., Awaitable[Any]] | None = getattr(base._request, "__wrapped__", None)
    if request is None:
        return
    single_attempt = request

    async def bounded_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            try:
                return await single_attempt(self, *args, **kwargs)
            except Exception as exc:
                if attempt >= retries or not worth_retrying(exc):
                    raise
            delay = min(_BACKOFF_BASE * 2**attempt, _BACKOFF_CAP)
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            attempt += 1

    # gcsfs calls self._request for every JSON-API request; an instance attribute wins.
    filesystem._request = types.MethodType(bounded_request, filesystem)


def _one_line(exc: BaseException, lines: int = 1, limit: int = 160) -> str:
    """The first ``lines`` lines of an exception's message, joined and shortened."""
    text = " ".join(str(exc).split("\n")[:lines])
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _displayed(url: str) -> str:
    """``url`` without any user:password part, fit for a message."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{host}" if parts.scheme else url


def list_buckets(store: GCPArtifactStore) -> list[str]:
    """The project's buckets these credentials can list: the ``gcp`` connector's resources."""
    return [path.rstrip("/") for path in store.filesystem.ls("", refresh=True)]
