"""The azure store behind the fault proxy, in front of Azurite: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.azure.conftest import ACCOUNT_KEY, ACCOUNT_NAME, Azurite
from tests.support.fault_proxy import Faults, fault_proxy
from tests.support.fault_workload import (
    OBJECTS,
    assert_failed_write_left_nothing,
    assert_faults_were_injected,
    round_trips,
)

pytestmark = pytest.mark.faults

# The defaults suit real endpoints; the proxy's 15 % failure rate needs more retries.
FAULT_TOLERANT = {"retry_total": 6, "retry_connect": 6, "retry_read": 6}


def store_at(make_store: Callable[..., Any], container: str, url: str, **values: Any) -> Any:
    return make_store(
        path=f"az://{container}/runs",
        account_name=ACCOUNT_NAME,
        account_key=ACCOUNT_KEY,
        account_url=f"{url}/{ACCOUNT_NAME}",
        **values,
    )


def test_a_thousand_round_trips_survive_the_faults(
    azurite: Azurite, make_store: Callable[..., Any]
) -> None:
    container = azurite.new_container()
    upstream = f"http://127.0.0.1:{azurite.port}"
    with fault_proxy(upstream, Faults()) as proxy:
        store = store_at(make_store, container, proxy.url, **FAULT_TOLERANT)
        failures = round_trips(store, f"az://{container}/runs")
    assert failures == [], f"{len(failures)} failed, first: {failures[:3]}"
    assert_faults_were_injected(proxy, requests_at_least=2 * OBJECTS)
    direct = store_at(make_store, container, upstream)
    assert len(direct.listdir(f"az://{container}/runs")) == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    azurite: Azurite, make_store: Callable[..., Any], tmp_path: Path
) -> None:
    container = azurite.new_container()
    upstream = f"http://127.0.0.1:{azurite.port}"
    with fault_proxy(upstream, Faults(fail_everything=True)) as proxy:
        failing = store_at(make_store, container, proxy.url)
        direct = store_at(make_store, container, upstream)
        assert_failed_write_left_nothing(failing, direct, f"az://{container}/runs", tmp_path)
