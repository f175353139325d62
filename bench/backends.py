"""The three clouds as the data benchmarks see them: an emulator to start, a bucket to
make, the config of a cargohold store on it (or a ``Client`` with that store
registered), and a plain fsspec filesystem for the raw comparison, built the way a
user of s3fs, gcsfs or adlfs would build it."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.s3.helpers import admin_client
from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, start_azurite, start_fake_gcs
from tests.support.emulators import start_moto as _start_moto

KEY = SECRET = "testing"


@dataclass(frozen=True)
class Backend:
    """How to run one cloud on loopback. ``server`` is what ``start`` yields."""

    label: str
    flavor: str
    scheme: str
    start: Callable[[Path], AbstractContextManager[Any]]
    new_bucket: Callable[[Any], str]
    store_values: Callable[[Any], dict[str, Any]]  # every field but path
    raw_filesystem: Callable[[Any], Any]


def _fresh_name() -> str:
    return f"bench{uuid.uuid4().hex[:12]}"


# -- S3 (moto) -------------------------------------------------------------------------


def _s3_bucket(server: Any) -> str:
    name = _fresh_name()
    admin_client(server.url).create_bucket(Bucket=name)
    return name


def _s3_raw(server: Any) -> Any:
    import s3fs

    return s3fs.S3FileSystem(
        key=KEY,
        secret=SECRET,
        client_kwargs={"endpoint_url": server.url},
        skip_instance_cache=True,
        use_listings_cache=False,
    )


S3 = Backend(
    label="S3",
    flavor="s3",
    scheme="s3",
    start=lambda workdir: _start_moto(workdir / "moto.log"),
    new_bucket=_s3_bucket,
    store_values=lambda server: {
        "key": KEY,
        "secret": SECRET,
        "client_kwargs": {"endpoint_url": server.url},
    },
    raw_filesystem=_s3_raw,
)


# -- GCS (fake-gcs-server) -------------------------------------------------------------


def _gcs_raw(server: Any) -> Any:
    # The classic filesystem, as the store uses for an endpoint override: gcsfs's newer
    # default class first probes the bucket's layout over gRPC, which an emulator on
    # plain HTTP never answers (a 60 s wait per bucket).
    import gcsfs.core

    return gcsfs.core.GCSFileSystem(
        endpoint_url=server.url, token="anon", project="bench", skip_instance_cache=True
    )


def _gcs_bucket(server: Any) -> str:
    name = _fresh_name()
    _gcs_raw(server).mkdir(name)
    return name


GCS = Backend(
    label="GCS",
    flavor="gcp",
    scheme="gs",
    start=lambda workdir: start_fake_gcs(workdir / "fake-gcs-server.log"),
    new_bucket=_gcs_bucket,
    store_values=lambda server: {"endpoint_url": server.url, "token": "anon", "project": "bench"},
    raw_filesystem=_gcs_raw,
)


# -- Azure (Azurite) -------------------------------------------------------------------


def _azure_raw(azurite: Any) -> Any:
    import adlfs

    return adlfs.AzureBlobFileSystem(
        connection_string=azurite.connection_string, skip_instance_cache=True
    )


AZURE = Backend(
    label="Azure",
    flavor="azure",
    scheme="az",
    start=lambda workdir: start_azurite(workdir / "azurite.log"),
    new_bucket=lambda azurite: azurite.new_container(),
    store_values=lambda azurite: {
        "account_name": ACCOUNT_NAME,
        "account_key": ACCOUNT_KEY,
        "account_url": azurite.account_url,
    },
    raw_filesystem=_azure_raw,
)

BACKENDS: tuple[Backend, ...] = (S3, GCS, AZURE)


def cargohold_store(backend: Backend, server: Any, path: str) -> Any:
    """A store made the way the registry makes one: flavor, validated config, store."""
    from cargohold import load_plugins

    flavor = load_plugins().flavors.get(backend.flavor)
    config = flavor.validate_config({"path": path, **backend.store_values(server)})
    return flavor.create_store(config)


def client_with_store(
    config_dir: Path, backend: Backend, server: Any, path: str, **settings: Any
) -> Any:
    """A Client on a new state directory, with a store named ``remote`` on ``path``
    (``settings`` go into its config beside the server's)."""
    from cargohold import Client
    from cargohold.errors import CargoholdWarning

    client = Client(config_dir=config_dir)
    # The emulator's throwaway key in plain text is the point here, not a mistake.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CargoholdWarning)
        client.register_artifact_store(
            "remote", backend.flavor, {"path": path, **backend.store_values(server), **settings}
        )
    return client
