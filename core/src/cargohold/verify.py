"""``artifact-store verify``: five steps that show whether a store really works."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from cargohold.stores.base import BaseArtifactStore


@dataclass
class VerifyStep:
    name: str
    status: str = "skipped"  # ok, failed, skipped
    seconds: float = 0.0
    detail: str = ""


@dataclass
class VerifyReport:
    store: str
    steps: list[VerifyStep] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.status == "ok" for step in self.steps)

    @property
    def failure(self) -> VerifyStep | None:
        return next((step for step in self.steps if step.status == "failed"), None)


def verify_store(name: str, build: Callable[[], BaseArtifactStore]) -> VerifyReport:
    """Build the store (resolving credentials), then write, read, list and delete a probe."""
    report = VerifyReport(store=name)
    names = ("resolve credentials", "write", "read", "list", "delete")
    report.steps = [VerifyStep(step) for step in names]
    payload = uuid.uuid4().bytes
    state: dict[str, Any] = {}

    def resolve() -> None:
        store = build()
        getattr(store, "filesystem", None)  # builds the client and resolves credentials
        state["store"] = store
        state["probe"] = f"{store.path.rstrip('/')}/.cargohold-verify-{uuid.uuid4().hex}"

    def write() -> None:
        with state["store"].open(state["probe"], "wb") as handle:
            handle.write(payload)
        state["written"] = True

    def read() -> None:
        with state["store"].open(state["probe"], "rb") as handle:
            if handle.read() != payload:
                raise CargoholdError("the probe object read back different bytes")

    def listing() -> None:
        probe_name = state["probe"].rsplit("/", 1)[1]
        if probe_name not in state["store"].listdir(state["store"].path):
            raise CargoholdError("the probe object is missing from the listing")

    def delete() -> None:
        state["store"].remove(state["probe"])
        state.pop("written")

    for step, action in zip(report.steps, (resolve, write, read, listing, delete), strict=True):
        started = time.perf_counter()
        try:
            action()
            step.status = "ok"
        except Exception as exc:
            step.status = "failed"
            step.detail = one_line(exc)
        step.seconds = time.perf_counter() - started
        if step.status == "failed":
            break
    if state.get("written"):
        # The failure already reported is the one that matters; cleanup is best effort.
        with contextlib.suppress(Exception):
            state["store"].remove(state["probe"])
    return report


def one_line(exc: BaseException) -> str:
    """``exc`` as one line for a table cell, without any secret value it may quote."""
    from cargohold.secrets.redaction import redact

    text = redact(" ".join(str(exc).split()))
    if isinstance(exc, CargoholdError):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
