"""What every benchmark hands back: samples of one case, and their summary figures."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def quartiles(samples: Sequence[float]) -> tuple[float, float]:
    """First and third quartile; one sample is its own spread."""
    if len(samples) < 2:
        return statistics.median(samples), statistics.median(samples)
    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, q3


@dataclass(frozen=True)
class Measured:
    """Samples of one case and of the comparison taken beside it, in ``unit``.

    ``target`` is the most the median may be; ``min_speedup`` the least the
    comparison's median over ours may be.
    """

    label: str
    samples: tuple[float, ...]
    unit: str
    target: float | None = None
    reference: str | None = None
    reference_samples: tuple[float, ...] = ()
    min_speedup: float | None = None
