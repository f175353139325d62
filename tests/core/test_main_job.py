"""The README's main job runs on the local store with no set-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "local_store.py"


def test_main_job_writes_and_reads_back_its_artifacts(tmp_path) -> None:
    env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    runs = list((tmp_path / "local_stores" / "default" / "runs").iterdir())
    assert len(runs) == 1
    assert sorted(p.name for p in runs[0].iterdir()) == [
        "dataset.csv",
        "metrics.json",
        "model.json",
    ]
    model = json.loads((runs[0] / "model.json").read_text())
    assert abs(model["slope"] - 3.0) < 0.1, "the fit must recover the slope the data was made with"
    assert f"artifacts in {runs[0]}" in result.stdout
