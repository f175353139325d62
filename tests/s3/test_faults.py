"""The s3 store behind the fault proxy, in front of moto: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.s3.conftest import MakeStore
from tests.support.fault_workload import (
    OBJECTS,
    assert_dead_endpoint_leaves_nothing,
    assert_round_trips_survive_faults,
)
from tests.support.servers import RunningServer

pytestmark = pytest.mark.faults


def test_a_thousand_round_trips_survive_the_faults(
    moto: RunningServer, make_store: MakeStore, bucket: str, admin: Any
) -> None:
    prefix = f"s3://{bucket}/runs"
    # The default budget suits real endpoints; a 15 % failure rate needs more retries.
    assert_round_trips_survive_faults(
        moto.url,
        lambda url: make_store(prefix, client_kwargs={"endpoint_url": url}, retries=6),
        prefix,
    )
    listed = admin.list_objects_v2(Bucket=bucket, Prefix="runs/", MaxKeys=2000)
    assert listed["KeyCount"] == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    moto: RunningServer, make_store: MakeStore, bucket: str, tmp_path: Path
) -> None:
    prefix = f"s3://{bucket}/runs"
    assert_dead_endpoint_leaves_nothing(
        moto.url,
        lambda url: make_store(prefix, client_kwargs={"endpoint_url": url}),
        make_store(prefix),
        prefix,
        tmp_path,
    )
