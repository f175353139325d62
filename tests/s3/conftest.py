"""A moto server per test session, a fresh bucket per test, and stores pointed at it.

Buckets are created and inspected with a separate boto3 client, never through the
store under test, so a check does not share the code it checks.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from cargohold_s3.config import S3ArtifactStoreConfig
from cargohold_s3.flavor import S3ArtifactStoreFlavor
from cargohold_s3.store import S3ArtifactStore
from tests.s3.helpers import Canary, RequestLog, admin_client
from tests.support.emulators import start_moto
from tests.support.servers import RunningServer

MakeStore = Callable[..., S3ArtifactStore]


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with start_moto(tmp_path_factory.mktemp("moto") / "server.log") as server:
        yield server


@pytest.fixture(scope="session")
def admin(moto: RunningServer) -> Any:
    return admin_client(moto.url)


@pytest.fixture
def bucket(admin: Any) -> str:
    name = f"t-{uuid.uuid4().hex[:16]}"
    admin.create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_store(moto: RunningServer) -> MakeStore:
    """``make_store("s3://bucket/prefix", **config)``: a store on the session server."""

    def make(path: str, **values: Any) -> S3ArtifactStore:
        values.setdefault("key", "testing")
        values.setdefault("secret", "testing")
        values.setdefault("client_kwargs", {"endpoint_url": moto.url})
        store = S3ArtifactStoreFlavor().create_store(S3ArtifactStoreConfig(path=path, **values))
        assert isinstance(store, S3ArtifactStore)
        return store

    return make


@pytest.fixture
def request_log(moto: RunningServer) -> RequestLog:
    return RequestLog(moto)


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.close()


@dataclass
class AuthServer:
    """A moto server that checks signatures, with one user allowed everything."""

    url: str
    key: str
    secret: str
    bucket: str


@pytest.fixture(scope="session")
def auth_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    # A server of its own: once moto enforces credentials it does so for every
    # request, and the shared server's tests use made-up keys.
    with start_moto(tmp_path_factory.mktemp("moto-auth") / "server.log") as server:
        import boto3

        iam = boto3.client(
            "iam",
            endpoint_url=server.url,
            aws_access_key_id="setup",
            aws_secret_access_key="setup",
            region_name="us-east-1",
        )
        iam.create_user(UserName="store")
        iam.put_user_policy(
            UserName="store",
            PolicyName="s3-all",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                }
            ),
        )
        access = iam.create_access_key(UserName="store")["AccessKey"]
        admin_client(server.url).create_bucket(Bucket="guarded")
        # moto's switch for credential checks: from now on, every request.
        urllib.request.urlopen(
            urllib.request.Request(
                f"{server.url}/moto-api/reset-auth",
                data=b"0",
                # Not form-encoded (urllib's default), or moto finds no body to read.
                headers={"Content-Type": "text/plain"},
            ),
            timeout=10,
        ).close()
        yield AuthServer(
            url=server.url,
            key=access["AccessKeyId"],
            secret=access["SecretAccessKey"],
            bucket="guarded",
        )
