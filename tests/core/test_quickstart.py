"""The README's first command: `cargohold quickstart` on a new machine, no set-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cargohold


def cargohold_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def test_quickstart_in_a_fresh_config_dir_leaves_artifacts_to_look_at() -> None:
    config_dir = Path(os.environ["CARGOHOLD_CONFIG_DIR"])
    assert not (config_dir / "cargohold.db").exists(), "the machine must be new"
    done = cargohold_cli("quickstart")
    assert done.returncode == 0, done.stderr
    store_root = config_dir / "local_stores" / "default"
    assert f"{store_root}/artifacts/quickstart-model/1" in done.stdout
    assert "cargohold artifact-store copy default remote" in done.stdout

    listed = json.loads(cargohold_cli("artifact", "list", "-o", "json").stdout)
    assert sorted((row["name"], row["version"], row["store"]) for row in listed) == [
        ("quickstart-dataset", 1, "default"),
        ("quickstart-metrics", 1, "default"),
        ("quickstart-model", 1, "default"),
    ]
    model = cargohold.load_artifact("quickstart-model")
    assert abs(model["slope"] - 3.0) < 0.1, "the fit must recover the slope the data was made with"
    assert len(cargohold.load_artifact("quickstart-dataset")["x"]) == 200
    assert cargohold.load_artifact("quickstart-metrics")["rmse"] < 1.0

    shown = cargohold_cli(
        "artifact", "visualize", "quickstart-dataset", "--dir", str(config_dir / "v")
    )
    assert shown.returncode == 0, shown.stderr
    assert '"slope"' not in Path(shown.stdout.strip()).read_text()
    assert '"x": [' in Path(shown.stdout.strip()).read_text()

    again = cargohold_cli("quickstart")
    assert again.returncode == 0, again.stderr
    assert [v.version for v in cargohold.list_artifacts("quickstart-model")] == [1, 2]
