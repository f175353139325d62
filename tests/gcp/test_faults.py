"""The gcp store behind the fault proxy, in front of fake-gcs-server: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gcp.conftest import StoreFactory, gcp_store
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
    gcs_server: RunningServer, make_store: StoreFactory
) -> None:
    direct = make_store()
    with fault_proxy(gcs_server.url, Faults()) as proxy:
        store = gcp_store(
            direct.path, endpoint_url=proxy.url, token="anon", project="test", **FAULT_TOLERANT
        )
        failures = round_trips(store, f"{direct.path}/runs")
    assert failures == [], f"{len(failures)} failed, first: {failures[:3]}"
    assert_faults_were_injected(proxy, requests_at_least=2 * OBJECTS)
    assert len(direct.listdir(f"{direct.path}/runs")) == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    gcs_server: RunningServer, make_store: StoreFactory, tmp_path: Path
) -> None:
    direct = make_store()
    with fault_proxy(gcs_server.url, Faults(fail_everything=True)) as proxy:
        failing = gcp_store(direct.path, endpoint_url=proxy.url, token="anon", project="test")
        assert_failed_write_left_nothing(failing, direct, f"{direct.path}/runs", tmp_path)
