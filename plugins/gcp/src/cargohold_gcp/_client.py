"""The gcsfs filesystem a store uses, and the credentials it is built with. Heavy:
imports gcsfs, google-auth and aiohttp; the store imports this module on its first I/O.

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

# gcsfs first: where it is missing, that is the module the error should name.
import gcsfs
import gcsfs.core
from gcsfs.retry import is_retriable

# isort: split
import aiohttp
import google.auth
from google.auth.exceptions import GoogleAuthError, RefreshError
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from cargohold.plugin_api import StoreAuthenticationError, short_message
from cargohold_gcp.config import ANONYMOUS_TOKEN

if TYPE_CHECKING:
    from cargohold_gcp.store import GCPArtifactStore

# gcsfs's default access level; the store reads, writes and deletes objects.
_SCOPE = "https://www.googleapis.com/auth/devstorage.full_control"
# First retry waits about this long; each further one twice as long, up to the cap.
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 8.0


def create_filesystem(store: GCPArtifactStore, cache_options: Mapping[str, bool]) -> Any:
    config = store.config
    token, project = _credentials(store)
    endpoint = store.endpoint_override
    options: dict[str, Any] = dict(cache_options)
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
            **options,
        )
    _bound_retries(filesystem, gcsfs.core.GCSFileSystem, config.retries)
    return filesystem


def _credentials(store: GCPArtifactStore) -> tuple[Any, str | None]:
    """What gcsfs gets as ``token``, and the project: explicit token, else ADC."""
    project = store.config.project
    secret = store.config.token
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
                    store.message(
                        "token is neither a JSON key nor the path of an existing key file; "
                        f"give one of those, or {ANONYMOUS_TOKEN!r}"
                    )
                )
            credentials, key_project = _credentials_from_key(info)
        except (ValueError, KeyError, GoogleAuthError):
            # The underlying message may quote the key; say only which kind of problem.
            raise StoreAuthenticationError(
                store.message(
                    "token could not be loaded as a service-account or authorized-user "
                    "key; check that it is the complete JSON key file"
                )
            ) from None
        return credentials, project or key_project
    try:
        credentials, adc_project = google.auth.default(scopes=[_SCOPE])
    except GoogleAuthError as exc:
        raise StoreAuthenticationError(
            store.message(
                f"no Google Cloud credentials found ({short_message(exc)}); set token, or "
                "GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default "
                f"login`; for a public bucket or an emulator set token to {ANONYMOUS_TOKEN!r}"
            )
        ) from None
    return credentials, project or adc_project


def _credentials_from_key(info: object) -> tuple[Any, str | None]:
    """Credentials from a parsed key: only the two kinds of key a person hands over.

    google-auth's generic loaders also accept external-account configurations, which
    can run commands or fetch URLs; a token field is no place to allow that.
    """
    if not isinstance(info, dict):
        raise ValueError("a key is a JSON object")
    kind = info.get("type")
    if kind == "service_account":
        account = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[_SCOPE]
        )
        return account, info.get("project_id")
    if kind == "authorized_user":
        user = user_credentials.Credentials.from_authorized_user_info(info, scopes=[_SCOPE])  # type: ignore[no-untyped-call]
        return user, info.get("quota_project_id")
    raise ValueError(f"unsupported key type {kind!r}")


def _bound_retries(filesystem: Any, base: type[Any], retries: int) -> None:
    """Give ``filesystem`` a request method that retries ``retries`` times, then raises.

    gcsfs decorates ``_request`` with a retry loop whose count is fixed when the class
    is defined; the undecorated function is kept as ``__wrapped__``. If a later gcsfs
    drops it, gcsfs's own retries stay in place rather than none at all.
    """

    def worth_retrying(exc: Exception) -> bool:
        # gcsfs reports a refused token exchange as a retriable 401; google-auth has
        # already retried the exchange itself when the failure looked transient.
        refused = isinstance(exc.__cause__, RefreshError) and not exc.__cause__.retryable
        return bool(is_retriable(exc)) and not refused

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
