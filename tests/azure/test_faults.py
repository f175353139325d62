"""The azure store behind the fault proxy, in front of Azurite: see
``tests/support/fault_workload.py`` for what each test asserts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.emulators import ACCOUNT_KEY, ACCOUNT_NAME, Azurite
from tests.support.fault_workload import (
    OBJECTS,
    assert_dead_endpoint_leaves_nothing,
    assert_round_trips_survive_faults,
)

pytestmark = pytest.mark.faults

# The default budget suits real endpoints; a 15 % failure rate needs more retries.
FAULT_TOLERANT = {"retry_total": 6, "retry_connect": 6, "retry_read": 6}


def behind(make_store: Callable[..., Any], container: str, **values: Any) -> Callable[[str], Any]:
    """Stores of ``container`` whose endpoint is the given URL."""
    return lambda url: make_store(
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
    prefix = f"az://{container}/runs"
    assert_round_trips_survive_faults(
        upstream, behind(make_store, container, **FAULT_TOLERANT), prefix
    )
    assert len(behind(make_store, container)(upstream).listdir(prefix)) == OBJECTS


def test_when_every_request_fails_nothing_is_left_behind(
    azurite: Azurite, make_store: Callable[..., Any], tmp_path: Path
) -> None:
    container = azurite.new_container()
    upstream = f"http://127.0.0.1:{azurite.port}"
    make = behind(make_store, container)
    assert_dead_endpoint_leaves_nothing(
        upstream, make, make(upstream), f"az://{container}/runs", tmp_path
    )
