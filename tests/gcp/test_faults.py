"""The gcp store behind the fault proxy, in front of fake-gcs-server: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gcp.conftest import StoreFactory, gcp_store
from tests.support.fault_workload import (
    OBJECTS,
    assert_dead_endpoint_leaves_nothing,
    assert_round_trips_survive_faults,
)
from tests.support.servers import RunningServer

pytestmark = pytest.mark.faults


def test_a_thousand_round_trips_survive_the_faults(
    gcs_server: RunningServer, make_store: StoreFactory
) -> None:
    direct = make_store()
    # The default budget suits real endpoints; a 15 % failure rate needs more retries.
    assert_round_trips_survive_faults(
        gcs_server.url,
        lambda url: gcp_store(direct.path, endpoint_url=url, token="anon", retries=6),
        f"{direct.path}/runs",
    )
    assert len(direct.listdir(f"{direct.path}/runs")) == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    gcs_server: RunningServer, make_store: StoreFactory, tmp_path: Path
) -> None:
    direct = make_store()
    assert_dead_endpoint_leaves_nothing(
        gcs_server.url,
        lambda url: gcp_store(direct.path, endpoint_url=url, token="anon"),
        direct,
        f"{direct.path}/runs",
        tmp_path,
    )
