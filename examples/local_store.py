"""The main job on the embedded default: a small pipeline writing to the local store.

It makes a dataset, fits a line to it in plain Python, evaluates the fit, and keeps
all three as artifacts in the active stack's store. On a new machine that is the
`default` local store (under $CARGOHOLD_CONFIG_DIR, or the platform's config
directory), with no set-up. Then it reads them back through ``cargohold.fileio``.

    python examples/local_store.py
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timezone

from cargohold import Client, fileio


def make_dataset(rows: int = 200) -> list[tuple[float, float]]:
    rng = random.Random(42)
    return [(x, 3.0 * x + 1.5 + rng.gauss(0, 0.5)) for x in (i / 10 for i in range(rows))]


def fit_line(points: list[tuple[float, float]]) -> dict[str, float]:
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points
    )
    return {"slope": slope, "intercept": mean_y - slope * mean_x}


def evaluate(model: dict[str, float], points: list[tuple[float, float]]) -> dict[str, float]:
    errors = [y - (model["slope"] * x + model["intercept"]) for x, y in points]
    return {"rmse": (sum(e * e for e in errors) / len(errors)) ** 0.5, "rows": len(points)}


def main() -> None:
    store = Client().get_artifact_store()  # the active stack's store
    run = f"{store.path}/runs/{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}"

    points = make_dataset()
    model = fit_line(points)
    metrics = evaluate(model, points)

    with fileio.mounted(store):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([("x", "y"), *points])
        with fileio.open(f"{run}/dataset.csv", "w") as handle:
            handle.write(buffer.getvalue())
        with fileio.open(f"{run}/model.json", "w") as handle:
            json.dump(model, handle, indent=2)
        with fileio.open(f"{run}/metrics.json", "w") as handle:
            json.dump(metrics, handle, indent=2)

        with fileio.open(f"{run}/model.json") as handle:
            assert json.load(handle) == model, "the model must read back as written"
        print(f"artifacts in {run}:")
        for directory, _, files in fileio.walk(run):
            for name in files:
                print(f"  {name:14s} {fileio.size(f'{directory}/{name}'):>7,d} bytes")
    line = f"y = {model['slope']:.3f} x + {model['intercept']:.3f}"
    print(f"model: {line}  (rmse {metrics['rmse']:.3f})")


if __name__ == "__main__":
    main()
