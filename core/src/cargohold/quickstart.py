"""The quickstart pipeline: the main job on the embedded default.

It makes a dataset, fits a line to it in plain Python, evaluates the fit, and saves
all three as artifacts (with their previews) to the active stack's store. On a new
machine that is the `default` local store, with no set-up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cargohold.artifacts.service import Artifacts
    from cargohold.artifacts.versions import ArtifactVersion
    from cargohold.registry.records import StackRecord
    from cargohold.stores.base import BaseArtifactStore

DATASET, MODEL, METRICS = "quickstart-dataset", "quickstart-model", "quickstart-metrics"


@dataclass(frozen=True)
class QuickstartRun:
    stack: str
    store: str
    saved: list[ArtifactVersion]
    model: dict[str, float]
    metrics: dict[str, float]


def make_dataset(rows: int = 200, seed: int = 42) -> dict[str, list[float]]:
    """Points on y = 3x + 1.5, with noise."""
    rng = random.Random(seed)
    xs = [i / 10 for i in range(rows)]
    return {"x": xs, "y": [3.0 * x + 1.5 + rng.gauss(0, 0.5) for x in xs]}


def fit_line(dataset: dict[str, list[float]]) -> dict[str, float]:
    """Least squares: the slope and intercept that fit the points best."""
    xs, ys = dataset["x"], dataset["y"]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return {"slope": slope, "intercept": mean_y - slope * mean_x}


def evaluate(model: dict[str, float], dataset: dict[str, list[float]]) -> dict[str, float]:
    predictions = [model["slope"] * x + model["intercept"] for x in dataset["x"]]
    errors = [y - p for y, p in zip(dataset["y"], predictions, strict=True)]
    return {"rmse": (sum(e * e for e in errors) / len(errors)) ** 0.5, "rows": float(len(errors))}


def run(stack: StackRecord, store: BaseArtifactStore, artifacts: Artifacts) -> QuickstartRun:
    """Run the pipeline and save its artifacts to ``store``, the active ``stack``'s."""
    dataset = make_dataset()
    model = fit_line(dataset)
    metrics = evaluate(model, dataset)
    meta = {"pipeline": "quickstart"}
    saved = [
        artifacts.save(dataset, DATASET, metadata={**meta, "rows": len(dataset["x"])}),
        artifacts.save(model, MODEL, metadata={**meta, "fitted_on": DATASET}),
        artifacts.save(metrics, METRICS, metadata={**meta, "model": MODEL}),
    ]
    return QuickstartRun(stack.name, store.name, saved, model, metrics)
