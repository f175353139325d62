"""The s3 store behind the fault proxy, in front of moto: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.s3.conftest import MakeStore
from tests.support.fault_proxy import Faults, fault_proxy
from tests.support.fault_workload import (
    OBJECTS,
    assert_failed_write_left_nothing,
    assert_faults_were_injected,
    round_trips,
)
from tests.support.servers import RunningServer

pytestmark = pytest.mark.faults

# The defaults suit real endpoints; the proxy's 15 % failure rate needs more retries.
FAULT_TOLERANT = {"retries": 6}


def test_a_thousand_round_trips_survive_the_faults(
    moto: RunningServer, make_store: MakeStore, bucket: str, admin: Any
) -> None:
    with fault_proxy(moto.url, Faults()) as proxy:
        store = make_store(
            f"s3://{bucket}/runs",
            client_kwargs={"endpoint_url": proxy.url},
            **FAULT_TOLERANT,
        )
        failures = round_trips(store, f"s3://{bucket}/runs")
    assert failures == [], f"{len(failures)} failed, first: {failures[:3]}"
    assert_faults_were_injected(proxy, requests_at_least=2 * OBJECTS)
    listed = admin.list_objects_v2(Bucket=bucket, Prefix="runs/", MaxKeys=2000)
    assert listed["KeyCount"] == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    moto: RunningServer, make_store: MakeStore, bucket: str, tmp_path: Path
) -> None:
    with fault_proxy(moto.url, Faults(fail_everything=True)) as proxy:
        failing = make_store(f"s3://{bucket}/runs", client_kwargs={"endpoint_url": proxy.url})
        direct = make_store(f"s3://{bucket}/runs")
        assert_failed_write_left_nothing(failing, direct, f"s3://{bucket}/runs", tmp_path)
