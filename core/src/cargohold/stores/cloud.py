"""What the cloud stores (``s3``, ``gcp``, ``azure``) have in common, written once.

A cloud plugin keeps only what belongs to its client library: its config fields, how
its filesystem is built (``CloudArtifactStore._connect``) and what the library's
exceptions mean (``CloudArtifactStore._translate_cause``). The rest is here:

- a store built without ``cargohold.Client`` refuses an ``authentication_secret``
  rather than fall back to other credentials;
- every filesystem gets the same fsspec cache settings (``FILESYSTEM_CACHE_OPTIONS``);
- small writes go up in one request, and an append is a rewrite;
- ``create_new`` is the library's own conditional write (``pipe_file`` with
  ``mode="create"``), retried while the service reports a racing conditional write;
- every error message starts with ``artifact store 'NAME': `` and shows no URL's
  user:password or query string, and "still failing after the retries" reads the same
  whichever cloud said it;
- the models that check credentials, and the config fields every cloud store has;
- the connector type of a flavor, built from what the flavor already says.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeVar, cast
from urllib.parse import SplitResult, urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cargohold.connectors.types import (
    AuthMethod,
    ConnectorType,
    ResourceType,
    StoreFields,
    check_endpoint,
    same_named_fields,
)
from cargohold.errors import StoreConnectionError, exception_chain
from cargohold.paths import PathType
from cargohold.secrets.references import has_reference
from cargohold.stores.base import BaseArtifactStoreConfig, BaseArtifactStoreFlavor, already_exists
from cargohold.stores.fsspec import FsspecArtifactStore

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

ConfigT = TypeVar("ConfigT", bound=BaseArtifactStoreConfig)

# Keyword arguments every cloud filesystem is built with:
# - skip_instance_cache: fsspec hands out one shared instance for equal constructor
#   arguments, and credentials are not always among them; each store builds its own,
#   so that it never uses another store's client or sees attributes another set.
# - use_listings_cache: a bucket is shared by several processes (pipeline steps,
#   machines); a listing cached in this one would hide what the others write.
FILESYSTEM_CACHE_OPTIONS: Mapping[str, bool] = MappingProxyType(
    {"skip_instance_cache": True, "use_listings_cache": False}
)

# Read in chunks of this size when an append copies the old object into the new one.
_COPY_CHUNK = 8 << 20
# The user:password part of a URL, and a query string or fragment: a password, a SAS
# signature or a token may sit in either, and none may reach a message.
_USER_INFO = re.compile(r"(?<=://)[^/?#\s]*@")
_QUERY = re.compile(r"[?#][^\s\]\)'\"]*")
# Longest library detail an error message quotes.
_DETAIL_LIMIT = 200
# A conditional create that the service answers "another conditional write to this
# name is in progress" is tried this many times in all, the first wait about
# _CREATE_BACKOFF seconds and each further one twice as long: the other write settles
# within a request's time, and then this one either wins or finds the object there.
_CREATE_ATTEMPTS = 5
_CREATE_BACKOFF = 0.05


# -- messages --------------------------------------------------------------------------


def store_message(store_name: str, text: str) -> str:
    """``text`` as an error message about a store: ``artifact store 'NAME': text``."""
    return f"artifact store {store_name!r}: {text}"


def scrub_url_secrets(text: str) -> str:
    """``text`` (a URL, or a message that quotes URLs) without any user:password part
    and without query strings or fragments: what a message may show of an endpoint."""
    return _QUERY.sub("", _USER_INFO.sub("", text))


def short_message(exc: BaseException, lines: int = 1) -> str:
    """The first ``lines`` lines of ``exc``'s message as one short line, scrubbed of URL
    secrets; the exception's type name when it has no message."""
    text = " ".join(str(exc).strip().splitlines()[:lines])
    text = scrub_url_secrets(" ".join(text.split()))
    if len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 3] + "..."
    return text or type(exc).__name__


# -- configs and credentials -----------------------------------------------------------


def authentication_secret_field(holding: str | type[BaseModel]) -> Any:
    """The ``authentication_secret`` field; ``holding`` ends "Name of a secret ...", or is
    the model of the secret's keys, which the description then lists."""
    if not isinstance(holding, str):
        holding = "with " + ", ".join(holding.model_fields)
    return Field(default=None, description=f"Name of a secret {holding}.")


def connect_timeout_field(default: float) -> Any:
    """The ``connect_timeout`` field, in seconds."""
    return Field(
        default=default,
        gt=0,
        description="Seconds to wait for a connection to the endpoint before giving up.",
    )


def read_timeout_field(default: float) -> Any:
    """The ``read_timeout`` field, in seconds."""
    return Field(
        default=default,
        gt=0,
        description="Seconds to wait for data from an open connection before giving up.",
    )


def endpoint_check(rule: Callable[[str, SplitResult], str]) -> Callable[[str | None], str | None]:
    """A validator for a config's endpoint-override field. None and ``{{secret.key}}``
    references pass as given (a reference is checked when it is resolved, at each use);
    anything else must be an http(s) URL with a host, and then ``rule(value, parts)``
    refuses it (``ValueError``) or returns what the field keeps."""

    def check(value: str | None) -> str | None:
        if value is None or has_reference(value):
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http:// or https:// URL")
        return rule(value, parts)

    return check


class CloudArtifactStoreConfig(BaseArtifactStoreConfig):
    """Base of a cloud store's config: the fields every cloud store has, which come right
    after ``path``.

    A flavor whose description or default differs declares the field again with the same
    helper, e.g. ``read_timeout: float = read_timeout_field(15.0)``.
    """

    #: The fields that hold credentials: what a linked service connector replaces.
    CREDENTIAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    authentication_secret: str | None = authentication_secret_field(
        "holding the store's credentials"
    )
    connect_timeout: float = connect_timeout_field(5.0)
    read_timeout: float = read_timeout_field(60.0)


class CredentialModel(BaseModel):
    """Base of the models that check credentials: the keys of an ``authentication_secret``
    and the settings of a connector's auth method. An unknown key is an error, and no
    error repeats a value, since it may be a credential."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


#: The type of an endpoint override among an auth method's settings: None, an http(s)
#: URL, or a ``{{secret.key}}`` reference (checked once resolved).
EndpointOverride = Annotated[str | None, AfterValidator(check_endpoint)]


class AuthMethodSettings(CredentialModel):
    """The settings of one auth method of a connector type. A subclass names the method
    as a class keyword, ``class KeySettings(AuthMethodSettings, auth_method="key")``,
    and describes it in its docstring; one that extends another method's settings
    names a method of its own."""

    #: The auth method's name, as users give it (``--auth-method``).
    AUTH_METHOD: ClassVar[str]

    def __init_subclass__(cls, *, auth_method: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if auth_method is not None:
            cls.AUTH_METHOD = auth_method


class AuthenticationSecret(CredentialModel):
    """The keys an ``authentication_secret`` of a cloud store holds."""

    def config_fields(self) -> dict[str, Any]:
        """The store config fields these keys stand for."""
        raise NotImplementedError(f"{type(self).__name__} must implement config_fields")


# -- the store and the flavor ----------------------------------------------------------


class CloudArtifactStore(FsspecArtifactStore, Generic[ConfigT]):
    """An artifact store in a cloud bucket or container, over its client library's
    fsspec filesystem; subclass it as ``CloudArtifactStore[TheConfig]``.

    A subclass builds the filesystem in ``_connect`` and says what the library's
    exceptions mean in ``_translate_cause``. ``create_new`` sends the library's own
    conditional write; a subclass whose library makes it a request the service refuses
    when the object exists sets ``ATOMIC_CREATE = True``.
    """

    #: The config field that counts a request's retries, named in "raise ..." advice.
    RETRIES_FIELD: ClassVar[str] = "retries"
    #: Exceptions that answer a question about a path (``FileNotFoundError``, ...) even
    #: when the library raised them from one of its own: passed on untranslated.
    PATH_ANSWERS: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(self, config: ConfigT, **kwargs: Any) -> None:
        flavor = kwargs.get("flavor")
        expected = flavor.config_class if flavor is not None else BaseArtifactStoreConfig
        if not isinstance(config, expected):
            raise TypeError(
                f"{type(self).__name__} needs a {expected.__name__}, got {type(config).__name__}"
            )
        super().__init__(config, **kwargs)

    @property
    def config(self) -> ConfigT:
        return cast("ConfigT", self._config)

    def message(self, text: str) -> str:
        """``text`` as an error message about this store."""
        return store_message(self.name, text)

    def kept_failing(self, endpoint: str, detail: str) -> StoreConnectionError:
        """The error for an endpoint that still fails after the configured retries."""
        retries = getattr(self.config, self.RETRIES_FIELD)
        return StoreConnectionError(
            self.message(
                f"{endpoint} kept failing ({detail}) after {retries} retries; try again "
                f"later, or raise {self.RETRIES_FIELD}"
            )
        )

    # -- the filesystem ---------------------------------------------------------------

    def _create_filesystem(self) -> AbstractFileSystem:
        secret = getattr(self.config, "authentication_secret", None)
        if secret is not None:
            # cargohold.Client reads the secret and hands the store its fields instead.
            # Using the config's other credentials, or the environment's, would act as
            # an identity the user did not choose.
            from cargohold.secrets.resolution import unresolved_secret

            raise unresolved_secret(self.name, secret)
        return self._connect(FILESYSTEM_CACHE_OPTIONS)

    def _connect(self, cache_options: Mapping[str, bool]) -> AbstractFileSystem:
        """Import the client library and build its filesystem, with ``cache_options``
        among its arguments. Runs once, on the first I/O."""
        raise NotImplementedError(f"{type(self).__name__} must implement _connect")

    def list_resources(self) -> list[str]:
        """The names of the buckets (or containers) these credentials can list: what a
        service connector of this flavor reaches, for ``verify`` and ``list-resources``."""
        raise NotImplementedError(f"{type(self).__name__} must implement list_resources")

    # -- writing ----------------------------------------------------------------------

    def _open_writer(self, path: str, mode: str) -> Any:
        # The libraries' own files open an upload session (a GCS resumable upload, an
        # Azure block list) even for a few bytes: more requests than one upload needs,
        # and a retry after a dropped connection can find the session already closed
        # although the object was written. Small files go up in one request instead.
        writer = self._buffered_writer(path)
        # Objects cannot be appended to in place: an append is a rewrite, a new upload
        # that starts with the old bytes and replaces the object on close, so a failed
        # append leaves the old object as it was.
        if mode == "ab" and self.filesystem.isfile(path):
            try:
                with self.filesystem.open(path, "rb") as old:
                    shutil.copyfileobj(old, writer, _COPY_CHUNK)
            except BaseException:
                writer.discard()
                raise
        return writer

    # -- create only if absent ---------------------------------------------------------

    def create_new(self, path: PathType, data: bytes) -> None:
        """Create ``path`` with ``data`` in one conditional request, which the service
        refuses when the object exists: ``FileExistsError``. Keep ``data`` small, so that
        it goes up in a single request (S3 PutObject, a GCS upload of type "multipart",
        Azure Put Blob) rather than a chunked upload."""
        assert isinstance(path, str)
        for attempt in range(_CREATE_ATTEMPTS):
            if attempt:
                wait = _CREATE_BACKOFF * 2 ** (attempt - 1)
                # Writers that collided once would collide again if they waited alike.
                time.sleep(wait * random.uniform(0.5, 1.5))
            try:
                # s3fs, gcsfs and adlfs each implement mode="create" as a conditional
                # request. fsspec's generic one, for filesystems without their own,
                # asks exists() and then writes, which two writers can both pass.
                self.filesystem.pipe_file(path, data, mode="create")
                return
            except Exception as exc:
                if self._create_found_object(exc):
                    raise already_exists(path) from exc
                if attempt + 1 == _CREATE_ATTEMPTS or not self._create_conflicted(exc):
                    raise

    def _create_found_object(self, exc: Exception) -> bool:
        """Whether ``exc``, raised by a conditional create, says the object exists. The
        libraries raise ``FileExistsError`` for that; a subclass adds other forms."""
        return isinstance(exc, FileExistsError)

    def _create_conflicted(self, exc: Exception) -> bool:
        """Whether ``exc``, raised by a conditional create, reports another conditional
        write to the same name in progress, so that trying again can settle it."""
        return False

    # -- errors -----------------------------------------------------------------------

    def _translate_error(self, exc: Exception) -> Exception | None:
        # Before the filesystem exists the client library has not run (it may not even
        # be installed): what was raised is the store's own, and already says enough.
        if self._filesystem is None or isinstance(exc, self.PATH_ANSWERS):
            return None
        for cause in exception_chain(exc):
            translated = self._translate_cause(cause)
            if translated is not None:
                return translated
        return None

    def _translate_cause(self, cause: BaseException) -> Exception | None:
        """A one-line cargohold error for one exception of the chain (the one raised,
        then what it was raised from), or None to look further down."""
        return None


class CloudArtifactStoreFlavor(BaseArtifactStoreFlavor):
    """A cloud flavor, all names: a subclass sets ``name``, ``integration``,
    ``config_class``, ``authentication_secret_class`` and ``implementation``, and
    ``resource_type`` if it has a connector type."""

    authentication_secret_class: ClassVar[type[AuthenticationSecret]]
    #: What a service connector gives this flavor's stores access to, e.g. ``s3-bucket``.
    resource_type: ClassVar[str]

    def authentication_secret_fields(self, secret: BaseModel) -> dict[str, Any]:
        assert isinstance(secret, AuthenticationSecret)
        return secret.config_fields()

    @classmethod
    def connector_type(
        cls,
        name: str,
        description: str,
        auth_methods: tuple[type[AuthMethodSettings], ...],
        store_fields: StoreFields = same_named_fields,
        *,
        scheme: str | None = None,
    ) -> ConnectorType:
        """The connector type that gives stores of this flavor their credentials.

        It takes from the flavor what the flavor already says: one resource type,
        ``resource_type``, whose ids take the config's scheme (``scheme`` picks one
        where the config accepts several); the config's ``CREDENTIAL_FIELDS``, which a
        connector replaces; and the store's ``list_resources()``. Each auth method is
        named by its settings model's ``AUTH_METHOD`` and described by its docstring.
        """
        flavor = cls()
        config_class = flavor.config_class
        resource = getattr(cls, "resource_type", None)
        if not resource:
            raise ValueError(f"flavor {flavor.name!r} sets no resource_type for its connector")
        schemes = sorted(config_class.SUPPORTED_SCHEMES)
        chosen = scheme or (schemes[0] if len(schemes) == 1 else None)
        if chosen is None or chosen not in schemes:
            raise ValueError(
                f"flavor {flavor.name!r} takes {', '.join(schemes)}; name the one its "
                "resource ids take with scheme="
            )
        unnamed = [model.__name__ for model in auth_methods if not hasattr(model, "AUTH_METHOD")]
        if unnamed:
            raise ValueError(
                f"{', '.join(unnamed)} names no auth method; add auth_method=... to its "
                "class statement"
            )
        methods = tuple(AuthMethod.of(model.AUTH_METHOD, model) for model in auth_methods)
        named = [method.name for method in methods]
        if len(set(named)) < len(named):
            # A model that extends another's settings inherits its name unless it gives one.
            raise ValueError(f"connector type {name!r} has two auth methods of one name: {named}")
        credential_fields: frozenset[str] = frozenset()
        if issubclass(config_class, CloudArtifactStoreConfig):
            credential_fields = config_class.CREDENTIAL_FIELDS
        return ConnectorType(
            name=name,
            description=description,
            auth_methods=methods,
            resource_types=(ResourceType(resource, flavor=flavor.name, scheme=chosen),),
            store_fields=store_fields,
            credential_fields=credential_fields,
        )


__all__ = [
    "FILESYSTEM_CACHE_OPTIONS",
    "AuthMethodSettings",
    "AuthenticationSecret",
    "CloudArtifactStore",
    "CloudArtifactStoreConfig",
    "CloudArtifactStoreFlavor",
    "CredentialModel",
    "EndpointOverride",
    "authentication_secret_field",
    "connect_timeout_field",
    "endpoint_check",
    "read_timeout_field",
    "scrub_url_secrets",
    "short_message",
    "store_message",
]
