"""``cargohold integration ...`` in a real environment that starts with only the core.

The cargohold distributions are built into a wheelhouse and found through
``PIP_FIND_LINKS``, as a user's pip configuration would find them; the cloud
libraries come from the index. A throwaway plugin distribution declares an
integration whose requirement would downgrade a package the environment already
has, to watch the preflight refuse.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.support.venvs import REPO, Venv, uv

pytestmark = pytest.mark.slow

SOURCES = ("core", "plugins/s3", "plugins/gcp", "plugins/azure")
PIN = "cargohold-testpin"  # prefix of the throwaway distributions; no index has them


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def make_wheel(
    folder: Path,
    name: str,
    version: str,
    files: dict[str, str] | None = None,
    requires: tuple[str, ...] = (),
    entry_points: str = "",
) -> Path:
    """A minimal pure-Python wheel, written directly: faster than a build backend."""
    stem = f"{name.replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    contents = dict(files or {})
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    contents[f"{info}/METADATA"] = metadata + "".join(f"Requires-Dist: {r}\n" for r in requires)
    contents[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: cargohold-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        contents[f"{info}/entry_points.txt"] = entry_points
    record = [
        f"{path},{_record_hash(text.encode())},{len(text.encode())}"
        for path, text in contents.items()
    ]
    contents[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    path = folder / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in contents.items():
            archive.writestr(member, text)
    return path


CATALOG_PLUGIN = """
from cargohold.hookspecs import hookimpl
from cargohold.integrations import Integration


@hookimpl
def cargohold_integrations(register):
    register(Integration(name="pinned", distribution="cargohold-testpin-pinned",
                         description="Needs an older testpin-lib."))
"""


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    builds = [
        subprocess.Popen(
            [uv(), "build", "-q", "--wheel", "-o", str(folder), str(REPO / source)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for source in SOURCES
    ]
    for build in builds:
        output, _ = build.communicate(timeout=180)
        assert build.returncode == 0, output.decode()
    make_wheel(folder, f"{PIN}-lib", "1.0", {"testpin_lib/__init__.py": ""})
    make_wheel(folder, f"{PIN}-lib", "2.0", {"testpin_lib/__init__.py": ""})
    make_wheel(
        folder, f"{PIN}-pinned", "1.0", {"testpin_pinned/__init__.py": ""}, (f"{PIN}-lib<2",)
    )
    make_wheel(
        folder,
        f"{PIN}-catalog",
        "1.0",
        {"testpin_catalog/__init__.py": CATALOG_PLUGIN},
        ("cargohold",),
        "[cargohold]\ntestpin = testpin_catalog\n",
    )
    return folder


def _env(wheelhouse: Path, config: Path, **extra: str) -> dict[str, str]:
    # Prepended to the user's own find-links, so their configuration still applies.
    links = " ".join(filter(None, [str(wheelhouse), os.environ.get("PIP_FIND_LINKS", "")]))
    return {"PIP_FIND_LINKS": links, "CARGOHOLD_CONFIG_DIR": str(config), **extra}


def _seeded_venv(path: Path) -> Venv:
    venv = Venv(path)
    venv.install("pip")  # install runs `python -m pip`; uv environments have none
    return venv


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Venv:
    venv = _seeded_venv(tmp_path_factory.mktemp("core-only") / "venv")
    (core_wheel,) = wheelhouse.glob("cargohold-*.whl")
    venv.install(str(core_wheel))
    return venv


class Run:
    def __init__(self, venv: Venv, env: dict[str, str]) -> None:
        self.venv, self.env = venv, env

    def __call__(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return self.venv.run(
            self.venv.bin("cargohold"), *args, env={**self.env, **extra}, timeout=300
        )

    def freeze(self) -> str:
        done = self.venv.run(self.venv.python, "-m", "pip", "freeze", "--all")
        assert done.returncode == 0, done.stderr
        return done.stdout

    def integrations(self) -> dict[str, dict[str, object]]:
        done = self("integration", "list", "-o", "json")
        assert done.returncode == 0, done.stderr
        return {row["name"]: row for row in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def run(core_venv: Venv, wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(core_venv, _env(wheelhouse, tmp_path_factory.mktemp("config")))


def test_dry_run_changes_nothing(run: Run) -> None:
    before = run.freeze()
    done = run("integration", "install", "s3", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "new: cargohold-s3 0.1.0" in done.stdout
    assert f"Would run: {run.venv.python} -m pip install 'cargohold-s3>=0.1,<1'" in done.stdout
    assert run.freeze() == before


def test_install_then_uninstall_s3(run: Run) -> None:
    assert run.integrations()["s3"]["installed"] is False

    done = run("integration", "install", "s3", "-y")
    assert done.returncode == 0, done.stderr
    assert f"Running: {run.venv.python} -m pip install 'cargohold-s3>=0.1,<1'" in done.stdout
    assert run.integrations()["s3"]["requirements"] == "ready"
    flavors = run("artifact-store", "flavor", "list", "-o", "json")
    s3 = next(row for row in json.loads(flavors.stdout) if row["name"] == "s3")
    assert s3["dependencies"] == "ready"

    done = run("integration", "uninstall", "s3", "-y")
    assert done.returncode == 0, done.stderr
    assert run.integrations()["s3"]["installed"] is False
    assert "s3fs==" in run.freeze()  # shared dependencies stay
    assert run("--help").returncode == 0
    flavors = run("artifact-store", "flavor", "list", "-o", "json")
    assert flavors.returncode == 0, flavors.stderr
    assert "s3" not in {row["name"] for row in json.loads(flavors.stdout)}


def test_preflight_refuses_a_downgrade_and_changes_nothing(run: Run, wheelhouse: Path) -> None:
    run.venv.install(
        "--no-index", "--find-links", str(wheelhouse), f"{PIN}-lib==2.0", f"{PIN}-catalog"
    )
    assert run.integrations()["pinned"]["installed"] is False
    before = run.freeze()

    done = run("integration", "install", "pinned", "-y", PIP_NO_INDEX="1")
    assert done.returncode == 1
    assert f"{PIN}-lib 2.0 -> 1.0 (downgrade: {PIN}-pinned 1.0 requires {PIN}-lib<2)" in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "Error: the install would change 1 package you already have (cargohold-testpin-lib)"
        )
    )
    assert run.freeze() == before


def test_locked_export_installs_with_require_hashes(
    run: Run, wheelhouse: Path, tmp_path: Path
) -> None:
    run.venv.install("pip-tools")
    lock = tmp_path / "requirements.txt"
    done = run("integration", "export-requirements", "pinned", "-o", str(lock), "--lock")
    assert done.returncode == 0, done.stderr
    text = lock.read_text()
    assert "cargohold==0.1.0" in text and f"{PIN}-lib==1.0" in text and "--hash=sha256:" in text

    fresh = _seeded_venv(tmp_path / "fresh")
    installed = fresh.run(
        fresh.python,
        "-m",
        "pip",
        "install",
        "--require-hashes",
        "-r",
        str(lock),
        env={"PIP_FIND_LINKS": str(wheelhouse)},
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    check = fresh.run(fresh.bin("cargohold"), "integration", "list", "-o", "json")
    assert check.returncode == 0, check.stderr


def test_the_extra_installs_the_same_integration(wheelhouse: Path, tmp_path: Path) -> None:
    venv = _seeded_venv(tmp_path / "extra")
    env = _env(wheelhouse, tmp_path / "config")
    done = venv.run(venv.python, "-m", "pip", "install", "cargohold[s3]", env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    listed = venv.run(venv.bin("cargohold"), "integration", "list", "-o", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    s3 = next(row for row in json.loads(listed.stdout) if row["name"] == "s3")
    assert s3["installed"] is True and s3["requirements"] == "ready"
