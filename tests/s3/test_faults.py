"""The S3 store through an unreliable network: the fault proxy in front of moto.

With 10 % of requests answered 503, 5 % of connections reset and some delayed, 1,000
writes and reads all succeed byte for byte. With every request failing, a write, a
copy and a rename each raise one clear error and leave no trace.
"""

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

# The default budget (2 retries) is sized for real endpoints, whose error rates are far
# below the proxy's 15 %; this run raises it through the documented field.
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
