"""Artifacts written by earlier releases still read: a 0.1 state directory, whose
versions the registry alone recorded, and a store root in on-store format 1.

The fixtures are in tests/fixtures/ (each with a README saying how it was made).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import cargohold
from cargohold import Client
from cargohold.artifacts.catalog import CATALOG
from cargohold.registry.db import DATABASE_NAME

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "artifacts.md"


def snapshot(*roots: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under the roots: its modification time and its bytes."""
    return {
        str(path): (path.stat().st_mtime_ns, path.read_bytes())
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def cargohold_cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CARGOHOLD_CONFIG_DIR": str(config)},
        timeout=120,
    )


# -- a 0.1 state directory ---------------------------------------------------------------


@dataclass(frozen=True)
class OldState:
    config: Path
    default: Path  # the `default` store's root
    shared: Path  # the `shared` store's root
    # What 0.1 recorded: (name, version) -> (checksum, [[path, size, sha256], ...])
    recorded: dict[tuple[str, int], tuple[str, list[list[Any]]]]

    def rows_left(self) -> int:
        connection = sqlite3.connect(self.config / DATABASE_NAME)
        try:
            return int(connection.execute("SELECT COUNT(*) FROM artifact_versions").fetchone()[0])
        finally:
            connection.close()


@pytest.fixture
def old_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OldState:
    """tests/fixtures/release-0.1 rebuilt under tmp_path, as its README says."""
    source = FIXTURES / "release-0.1"
    config = tmp_path / "config"
    config.mkdir()
    shutil.copytree(source / "local_stores", config / "local_stores")
    shutil.copytree(source / "shared", tmp_path / "shared")
    script = (source / "cargohold.sql").read_text().replace("@ROOT@", str(tmp_path))
    connection = sqlite3.connect(config / DATABASE_NAME)
    try:
        connection.executescript(script)
        rows = connection.execute(
            "SELECT a.name, v.version, v.checksum, v.files FROM artifact_versions v"
            " JOIN artifacts a ON a.id = v.artifact_id"
        ).fetchall()
    finally:
        connection.close()
    os.chmod(config / DATABASE_NAME, 0o600)
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(config))
    recorded = {(name, n): (checksum, json.loads(files)) for name, n, checksum, files in rows}
    assert sorted(recorded) == [("model", 1), ("model", 2), ("notes", 1)]
    return OldState(config, config / "local_stores" / "default", tmp_path / "shared", recorded)


def test_versions_recorded_by_0_1_move_into_their_stores_once(old_state: OldState) -> None:
    before = snapshot(old_state.default, old_state.shared)

    # First use of the default store, from the command line.
    listed = cargohold_cli(old_state.config, "artifact", "list", "-o", "json")
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["version"], r["store"]) for r in rows] == [
        ("model", 1, "default"),
        ("model", 2, "default"),
    ]
    assert old_state.rows_left() == 1, "`shared` is not used yet: its record stays"

    # First use of `shared`: a load.
    assert cargohold.load_artifact("notes", store="shared") == "notes of the run"
    assert old_state.rows_left() == 0

    assert cargohold.load_artifact("model", 1) == {"w": 1}
    assert cargohold.load_artifact("model") == {"w": 2}
    client = Client()
    for (name, number), (checksum, files) in old_state.recorded.items():
        store, root = ("shared", old_state.shared) if name == "notes" else ("default", None)
        root = root or old_state.default
        version = client.artifacts.get(name, number, store=store)
        assert version.checksum == checksum
        assert [[e.path, e.size, e.sha256] for e in version.files] == files
        assert version.uri == f"{root}/artifacts/{name}/{number}"
        manifest = json.loads(Path(root, CATALOG, name, f"{number}.json").read_text())
        assert (manifest["format"], manifest["data"]) == (1, f"{name}/{number}")
        assert manifest["checksum"] == checksum
        claim = json.loads(Path(root, CATALOG, name, f"{number}.claim").read_text())
        assert (claim["name"], claim["version"]) == (name, number)

    # The data did not move: the same files with the same bytes, and beside them only
    # the catalogue's claims and manifests.
    after = snapshot(old_state.default, old_state.shared)
    assert {path: data for path, (_, data) in after.items() if path in before} == {
        path: data for path, (_, data) in before.items()
    }
    added = sorted(set(after) - set(before))
    assert added == sorted(
        f"{old_state.shared if name == 'notes' else old_state.default}/{CATALOG}/{name}/{n}{s}"
        for name, n in old_state.recorded
        for s in (".claim", ".json")
    )

    # A second run (a new process using both stores) writes nothing.
    again = cargohold_cli(old_state.config, "artifact", "list", "--all-stores", "-o", "json")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert len(json.loads(again.stdout)) == 3
    assert snapshot(old_state.default, old_state.shared) == after

    # The next save continues after the numbers 0.1 gave out.
    assert cargohold.save_artifact({"w": 3}, "model").version == 3


def test_a_second_machine_sees_the_moved_versions(old_state: OldState, tmp_path: Path) -> None:
    moved = cargohold_cli(old_state.config, "artifact", "list", "--all-stores")
    assert moved.returncode == 0, moved.stderr
    second = Client(tmp_path / "second-machine")
    second.register_artifact_store("old-default", "local", {"path": str(old_state.default)})
    second.register_artifact_store("old-shared", "local", {"path": str(old_state.shared)})
    seen = second.artifacts.versions(all_stores=True)
    assert sorted((v.name, v.version, v.checksum) for v in seen) == sorted(
        (name, n, checksum) for (name, n), (checksum, _) in old_state.recorded.items()
    )
    assert second.artifacts.load("model", 2, store="old-default") == {"w": 2}
    assert second.artifacts.load("notes", store="old-shared") == "notes of the run"


def test_a_number_0_1_gave_out_and_deleted_is_not_given_out_again(old_state: OldState) -> None:
    # As 0.1 deleted model:2: its record and its files went, its number stayed used
    # (the registry's next_version for `model` is still 3).
    connection = sqlite3.connect(old_state.config / DATABASE_NAME)
    with connection:
        connection.execute(
            "DELETE FROM artifact_versions WHERE version = 2 AND type = 'builtins.dict'"
        )
    connection.close()
    shutil.rmtree(old_state.default / "artifacts" / "model" / "2")

    assert [v.ref for v in cargohold.list_artifacts()] == ["model:1"]
    assert cargohold.save_artifact({"w": 3}, "model").version == 3


def test_a_store_whose_0_1_versions_were_not_moved_yet_cannot_be_deleted(
    old_state: OldState,
) -> None:
    # `shared` was never used by this release: its version is still only in the registry,
    # and deleting the registration would lose it.
    refused = cargohold_cli(old_state.config, "artifact-store", "delete", "shared", "--yes")
    assert refused.returncode == 1, refused.stdout
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith(
        "Error: artifact store 'shared' holds 1 artifact version(s) recorded only here; "
    )
    assert "`cargohold artifact list --store shared`" in line
    assert "shared" in {record.name for record in Client().list_artifact_stores()}
    assert old_state.rows_left() == 3, "the refused delete moved and dropped nothing"

    # Once moved into the store, the registration can go: the version stays there.
    assert cargohold.load_artifact("notes", store="shared") == "notes of the run"
    deleted = cargohold_cli(old_state.config, "artifact-store", "delete", "shared", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    second = Client(old_state.config.parent / "second-machine")
    second.register_artifact_store("notes-root", "local", {"path": str(old_state.shared)})
    assert second.artifacts.load("notes", 1, store="notes-root") == "notes of the run"


# -- a store root in format 1 ------------------------------------------------------------

# What the fixture's README says was saved in it.
V1_OBJECTS: dict[str, Any] = {
    "blob:1": b"\x00\x01\x02",
    "model:1": {"weights": [0.5, -1.25], "bias": 3},
    "model:2": {"weights": [0.75, -1.0], "bias": 2},
    "notes:1": "notes of the run\n",
}
V1_TREE = {"a.txt": b"alpha\n", "sub/b.txt": b"bravo"}


@pytest.fixture
def v1_root(tmp_path: Path) -> Path:
    root = tmp_path / "v1-store"
    shutil.copytree(FIXTURES / "catalog-v1" / "store", root)
    return root


def documented_checksum(files: list[dict[str, Any]]) -> str:
    """The version checksum as docs/artifacts.md defines it."""
    digest = hashlib.sha256()
    for entry in sorted(files, key=lambda e: e["path"]):
        digest.update(f"{entry['path']}\0{entry['size']}\0{entry['sha256']}\n".encode())
    return digest.hexdigest()


def manifests(root: Path) -> dict[str, dict[str, Any]]:
    return {
        f"{path.parent.name}:{path.stem}": json.loads(path.read_text())
        for path in sorted(Path(root, CATALOG).glob("*/*.json"))
    }


def test_a_format_1_store_lists_and_loads(v1_root: Path, tmp_path: Path) -> None:
    client = Client(tmp_path / "config")
    client.register_artifact_store("v1", "local", {"path": str(v1_root)})
    found = client.artifacts.versions(store="v1")
    assert [v.ref for v in found] == ["blob:1", "model:1", "model:2", "notes:1", "shards:1"]
    for ref, expected in V1_OBJECTS.items():
        name, number = ref.split(":")
        assert client.artifacts.load(name, int(number), store="v1") == expected
    tree = client.artifacts.load("shards", store="v1")
    assert {str(p.relative_to(tree)): p.read_bytes() for p in tree.rglob("*") if p.is_file()} == (
        V1_TREE
    )
    model = client.artifacts.get("model", 2, store="v1")
    assert model.metadata == {"epoch": 7, "tags": ["best"]}
    assert model.visualizations == ("visualizations/preview.md",)
    assert model.uri == f"{v1_root}/artifacts/model/2"
    # model:3 was deleted: it is not listed, and its number is not given out again.
    assert client.artifacts.save({"bias": 4}, "model", store="v1").version == 4


def test_a_format_1_store_holds_the_checksums_it_states(v1_root: Path) -> None:
    found = manifests(v1_root)
    assert sorted(found) == ["blob:1", "model:1", "model:2", "notes:1", "shards:1"]
    for ref, manifest in found.items():
        data = v1_root / "artifacts" / manifest["data"]
        for entry in manifest["files"]:
            content = (data / entry["path"]).read_bytes()
            assert (len(content), hashlib.sha256(content).hexdigest()) == (
                entry["size"],
                entry["sha256"],
            ), f"{ref}: {entry['path']}"
        assert manifest["checksum"] == documented_checksum(manifest["files"]), ref
        assert manifest["size"] == sum(entry["size"] for entry in manifest["files"]), ref


def test_a_tampered_format_1_file_fails_its_checksum(v1_root: Path, tmp_path: Path) -> None:
    client = Client(tmp_path / "config")
    client.register_artifact_store("v1", "local", {"path": str(v1_root)})
    (v1_root / "artifacts" / "model" / "1" / "data.json").write_bytes(
        b'{"weights": [0.5, -1.25], "bias": 4}'  # same size, one digit changed
    )
    with pytest.raises(cargohold.CargoholdError, match="does not match the checksum"):
        client.artifacts.load("model", 1, store="v1")


def documented_section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("## The store is the catalogue")
    return text[start : text.index("\n## ", start + 1)]


def test_the_docs_describe_the_format_1_layout(v1_root: Path) -> None:
    section = documented_section()
    patterns = [
        line.split()[0] for line in section.splitlines() if line.startswith("<root>/artifacts/")
    ]
    assert len(patterns) == 3, patterns
    regexes = [
        re.compile(
            re.escape(pattern)
            .replace(re.escape("<root>"), re.escape(str(v1_root)))
            .replace(re.escape("<name>"), r"[A-Za-z0-9][A-Za-z0-9_.-]*")
            .replace(re.escape("<version>"), r"[1-9][0-9]*")
            .replace(re.escape("/..."), "/.+")
            + "$"
        )
        for pattern in patterns
    ]
    files = [str(path) for path in v1_root.rglob("*") if path.is_file()]
    for path in files:
        assert [r.pattern for r in regexes if r.match(path)], f"{path} fits no documented path"
    for regex in regexes:
        assert any(regex.match(path) for path in files), f"nothing in the fixture fits {regex}"
    for path in Path(v1_root, CATALOG).glob("*/*.claim"):
        claim = json.loads(path.read_text())
        assert (claim["format"], claim["name"], claim["version"]) == (
            1,
            path.parent.name,
            int(path.stem),
        )


def test_the_docs_describe_the_format_1_manifest(v1_root: Path) -> None:
    section = documented_section()
    table = [line for line in section.splitlines() if line.startswith("| `")]
    fields = {name for line in table for name in re.findall(r"`(\w+)`", line.split("|")[1])}
    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    assert fields, "no field table found"
    for ref, manifest in manifests(v1_root).items():
        assert fields <= set(manifest), f"{ref} lacks {fields - set(manifest)}"
        assert set(manifest) == set(example), f"{ref}: the docs' example shows other fields"
        for entry in manifest["files"]:
            assert set(entry) == set(example["files"][0])
        assert manifest["format"] == example["format"] == 1
        assert manifest["data"] == ref.replace(":", "/")
