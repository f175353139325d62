"""The store is the catalogue: what every machine that registers one root sees.

Each "machine" is its own config directory; they share nothing but the store's root:
a local folder, or, where the test is run on both, the memory store's process-wide
memory too (the cloud versions are in tests/s3, tests/gcp and tests/azure).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cargohold import Client, hookimpl
from cargohold.artifacts.catalog import CATALOG
from cargohold.artifacts.service import CopyIncompleteError
from cargohold.artifacts.versions import ArtifactVersion
from cargohold.cli import cli
from cargohold.errors import CargoholdError, CargoholdWarning
from cargohold.plugins import PluginHost
from cargohold.stores.base import BaseArtifactStore
from tests.core.zenml_store import FolderFlavor

REPOSITORY = Path(__file__).resolve().parents[2]


def run(config: Path, *args: str) -> Result:
    """One `cargohold` command on the machine whose state is in ``config``."""
    return CliRunner().invoke(cli, list(args), env={"CARGOHOLD_CONFIG_DIR": str(config)})


def one_line_error(result: Result) -> str:
    """The single error line a refused command printed, checked to be just that."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def listed(config: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run(config, "artifact", "list", "-o", "json", *args)
    assert result.exit_code == 0, result.output
    return [(row["name"], row["version"], row["store"]) for row in json.loads(result.stdout)]


def file_digests(store: BaseArtifactStore, version: ArtifactVersion) -> dict[str, str]:
    """sha256 of each of the version's files as the store holds them now."""
    return {
        entry.path: hashlib.sha256(store.read_bytes(f"{version.uri}/{entry.path}")).hexdigest()
        for entry in version.files
    }


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def machine(tmp_path: Path, who: str, store: str, root: Path | str) -> Client:
    """A machine (its own config dir) that registers ``root`` as store ``store``."""
    client = Client(tmp_path / who)
    flavor = "memory" if str(root).startswith("memory://") else "local"
    client.register_artifact_store(store, flavor, {"path": str(root)})
    return client


@pytest.fixture(params=["local", "memory"])
def shared_root(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One root that several machines register: a folder, or process memory (which
    every memory store of this process shares, as machines share a bucket)."""
    if request.param == "memory":
        return f"memory://{tmp_path.name}/team-root"
    return str(tmp_path / "team-root")


# -- 1. two machines, one root ---------------------------------------------------------


def test_two_machines_sharing_a_root_see_and_load_each_others_versions(
    tmp_path: Path, shared_root: str
) -> None:
    root = shared_root
    alice = machine(tmp_path, "alice", "team", root)
    bob = machine(tmp_path, "bob", "lab", root)  # his name for the same root

    first = alice.artifacts.save({"weights": [1, 2]}, "model", store="team")
    assert first.ref == "model:1"

    assert listed(tmp_path / "bob", "--store", "lab") == [("model", 1, "lab")]
    seen = bob.artifacts.get("model", 1, store="lab")
    assert (seen.checksum, seen.files, seen.uri) == (first.checksum, first.files, first.uri)
    assert seen.created_by == first.created_by and seen.created == first.created
    assert bob.artifacts.load("model", store="lab") == {"weights": [1, 2]}

    second = bob.artifacts.save({"weights": [3, 4]}, "model", store="lab")
    assert second.ref == "model:2" and second.checksum != first.checksum

    assert alice.artifacts.load("model", 1, store="team") == {"weights": [1, 2]}
    again = alice.artifacts.get("model", 1, store="team")
    assert again.checksum == first.checksum
    store = alice.get_artifact_store("team")
    assert file_digests(store, again) == {entry.path: entry.sha256 for entry in first.files}
    assert [(v.ref, v.checksum) for v in alice.artifacts.versions("model", store="team")] == [
        ("model:1", first.checksum),
        ("model:2", second.checksum),
    ]
    assert alice.artifacts.load("model", store="team") == {"weights": [3, 4]}
    described = run(tmp_path / "alice", "artifact", "describe", "model:2", "--store", "team")
    assert described.exit_code == 0, described.output
    assert second.checksum in described.stdout


# -- 2. a store that cannot create atomically ------------------------------------------


def folder_host() -> tuple[PluginHost, str]:
    host = PluginHost().load()
    plugin = SimpleNamespace(cargohold_flavors=hookimpl(lambda register: register(FolderFlavor)))
    return host, host.register(plugin, name="folder-flavor")


def test_a_store_that_cannot_create_atomically_refuses_saves_until_single_writer(
    tmp_path: Path,
) -> None:
    host, name = folder_host()
    try:
        client = Client(tmp_path / "config", plugins=host)
        root = tmp_path / "folder"
        client.register_artifact_store("plain", "folder", {"path": str(root)})
        with pytest.raises(CargoholdError) as refused:
            client.artifacts.save({"a": 1}, "model", store="plain")
        message = str(refused.value)
        assert len(message.splitlines()) == 1
        assert "'plain'" in message and "single_writer" in message
        assert "cargohold artifact-store update plain --single_writer=true" in message
        assert files_under(root) == []

        client.update_artifact_store("plain", {"single_writer": True})
        saved = client.artifacts.save({"a": 1}, "model", store="plain")
        assert saved.ref == "model:1"
        assert client.artifacts.load("model", store="plain") == {"a": 1}
        assert Client(tmp_path / "config", plugins=host).artifacts.load(
            "model", 1, store="plain"
        ) == {"a": 1}
    finally:
        host.unregister(name)


def plugin_site(tmp_path: Path) -> Path:
    """A site folder whose one distribution brings the `folder` flavor (FolderStore)."""
    site = tmp_path / "site"
    info = site / "folder_flavor-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: folder-flavor\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[cargohold]\nfolder = tests.core.zenml_store\n")
    return site


def test_the_cli_refuses_a_non_atomic_store_in_one_line_and_single_writer_opts_in(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "CARGOHOLD_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONPATH": os.pathsep.join([str(plugin_site(tmp_path)), str(REPOSITORY)]),
    }

    def cargohold(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cargohold", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )

    root = tmp_path / "folder"
    for step in (
        ("artifact-store", "register", "plain", "-f", "folder", f"--path={root}"),
        ("stack", "register", "plain-stack", "-a", "plain", "--set"),
    ):
        done = cargohold(*step)
        assert done.returncode == 0, (step, done.stderr)

    refused = cargohold("quickstart")
    assert refused.returncode == 1, refused.stdout
    assert "Traceback" not in refused.stderr + refused.stdout
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("Error: artifact store 'plain' (folder) cannot create a file only if")
    assert "--single_writer=true" in line
    assert files_under(root) == []

    assert cargohold("artifact-store", "update", "plain", "--single_writer=true").returncode == 0
    done = cargohold("quickstart")
    assert done.returncode == 0, done.stderr
    shown = cargohold("artifact", "list", "-o", "json")
    assert shown.returncode == 0, shown.stderr
    assert sorted(
        (row["name"], row["version"], row["store"]) for row in json.loads(shown.stdout)
    ) == [
        ("quickstart-dataset", 1, "plain"),
        ("quickstart-metrics", 1, "plain"),
        ("quickstart-model", 1, "plain"),
    ]
    assert (root / "artifacts" / "quickstart-model" / "1" / "data.json").is_file()


# -- 5. reading every store ------------------------------------------------------------


@pytest.fixture
def three_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """default holds model:1, spare holds notes:1, and `down` cannot be reached."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = tmp_path / "config"
    client = Client(config)
    client.register_artifact_store("spare", "local", {"path": str(tmp_path / "spare")})
    client.register_artifact_store(
        "down",
        "s3",
        {
            "path": "s3://bucket/team",
            "client_kwargs": {"endpoint_url": "http://127.0.0.1:9"},
            "retries": 0,
        },
    )
    client.artifacts.save({"w": 1}, "model")
    client.artifacts.save("kept", "notes", store="spare")
    return config


def test_all_stores_warns_about_an_unreadable_store_and_lists_the_others(
    three_stores: Path,
) -> None:
    result = run(three_stores, "artifact", "list", "--all-stores", "-o", "json")
    assert result.exit_code == 0, result.output
    (warning,) = result.stderr.strip().splitlines()
    assert warning.startswith("Warning: could not read store 'down': ")
    assert "cannot connect to the endpoint http://127.0.0.1:9" in warning
    rows = json.loads(result.stdout)
    assert [(r["name"], r["version"], r["store"]) for r in rows] == [
        ("model", 1, "default"),
        ("notes", 1, "spare"),
    ]

    with pytest.warns(CargoholdWarning, match="could not read store 'down'"):
        found = Client(three_stores).artifacts.versions(all_stores=True)
    assert [(v.ref, v.store) for v in found] == [("model:1", "default"), ("notes:1", "spare")]


def test_store_reads_that_store_only(three_stores: Path) -> None:
    assert listed(three_stores) == [("model", 1, "default")]
    only = run(three_stores, "artifact", "list", "--store", "spare", "-o", "json")
    assert only.exit_code == 0 and only.stderr == "", only.output  # `down` was not tried
    assert [(r["name"], r["store"]) for r in json.loads(only.stdout)] == [("notes", "spare")]
    assert "no artifact named 'model' in store 'spare'" in one_line_error(
        run(three_stores, "artifact", "describe", "model", "--store", "spare")
    )
    assert "cannot connect to the endpoint" in one_line_error(
        run(three_stores, "artifact", "list", "--store", "down")
    )
    both = run(three_stores, "artifact", "list", "--store", "spare", "--all-stores")
    assert both.exit_code == 2 and "not both" in both.output


# -- 6. a copy carries the manifests ----------------------------------------------------


def test_a_copied_store_is_read_whole_by_another_machine(tmp_path: Path) -> None:
    config = tmp_path / "laptop"
    laptop = machine(tmp_path, "laptop", "shared", tmp_path / "shared")
    saved = [
        laptop.artifacts.save({"epoch": 1}, "model", metadata={"epoch": 1}),
        laptop.artifacts.save({"epoch": 2}, "model"),
        laptop.artifacts.save(b"\x00" * 3000, "blob"),
    ]
    laptop.artifacts.delete("model", 1)  # numbers keep their gaps across the copy
    laptop.artifacts.save({"epoch": 3}, "model")
    kept = laptop.artifacts.versions()
    assert [v.ref for v in kept] == ["blob:1", "model:2", "model:3"]

    copied = run(config, "artifact-store", "copy", "default", "shared")
    assert copied.exit_code == 0, copied.output
    assert "Copied 3 artifact version(s)" in copied.stdout

    teammate = machine(tmp_path, "teammate", "from-laptop", tmp_path / "shared")
    theirs = teammate.artifacts.versions(store="from-laptop")
    assert [(v.ref, v.checksum, v.type, v.metadata) for v in theirs] == [
        (v.ref, v.checksum, v.type, v.metadata) for v in kept
    ]
    assert all(v.uri.startswith(str(tmp_path / "shared")) for v in theirs)
    assert teammate.artifacts.load("model", 2, store="from-laptop") == {"epoch": 2}
    assert teammate.artifacts.load("model", store="from-laptop") == {"epoch": 3}
    assert teammate.artifacts.load("blob", store="from-laptop") == b"\x00" * 3000
    assert [v.ref for v in laptop.artifacts.versions()] == [v.ref for v in kept], "SRC keeps all"
    assert saved[0].version == 1 and ("model", 1) not in {(v.name, v.version) for v in theirs}
    # A new save there continues after the copied numbers.
    assert teammate.artifacts.save({"epoch": 4}, "model", store="from-laptop").version == 4


def test_a_changed_source_file_fails_its_version_and_the_others_are_copied(
    tmp_path: Path,
) -> None:
    config = tmp_path / "laptop"
    laptop = machine(tmp_path, "laptop", "shared", tmp_path / "shared")
    laptop.artifacts.save({"epoch": 1}, "model")
    blob = laptop.artifacts.save(b"x" * 3000, "blob")
    laptop.artifacts.save("kept", "notes")
    data = Path(blob.uri, "data.bin")
    data.write_bytes(b"y" * 3000)  # same size, other bytes

    failed = run(config, "artifact-store", "copy", "default", "shared")
    line = one_line_error(failed)
    assert "1 of 3 version(s) not copied (the first, blob:1: " in line
    assert "no longer matches the checksum" in line
    assert "Copied 2 artifact version(s)" in failed.stdout
    assert "3 file(s) copied" in failed.stdout and "3 of 4 verified" in failed.stdout

    teammate = machine(tmp_path, "teammate", "from-laptop", tmp_path / "shared")
    assert [v.ref for v in teammate.artifacts.versions(store="from-laptop")] == [
        "model:1",
        "notes:1",
    ]
    assert teammate.artifacts.load("notes", store="from-laptop") == "kept"
    with pytest.raises(CargoholdError, match="no artifact named 'blob' in store 'from-laptop'"):
        teammate.artifacts.get("blob", 1, store="from-laptop")
    shared = laptop.get_artifact_store("shared")
    assert not shared.exists(f"{shared.path}/{CATALOG}/blob/1.json")

    # A rerun passes over what is there and fails the same version again ...
    with pytest.raises(CopyIncompleteError) as again:
        laptop.artifacts.copy("default", "shared")
    assert again.value.report.versions == 0 and list(again.value.report.failed) == ["blob:1"]
    # ... and once the source is right again, copies just that one.
    data.write_bytes(b"x" * 3000)
    report = laptop.artifacts.copy("default", "shared")
    assert (report.versions, report.copied) == (1, 1)
    assert teammate.artifacts.load("blob", store="from-laptop") == b"x" * 3000
    assert [v.ref for v in laptop.artifacts.versions()] == ["blob:1", "model:1", "notes:1"]


# -- 7. what a listing costs -----------------------------------------------------------


class Calls:
    """The manifests and folders a store was asked to read (its methods wrapped)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: BaseArtifactStore) -> None:
        self.reads: list[str] = []
        self.listings: list[str] = []
        monkeypatch.setattr(store, "read_bytes", self._noting(store.read_bytes, self.reads))
        monkeypatch.setattr(store, "list_files", self._noting(store.list_files, self.listings))

    @staticmethod
    def _noting(method: Callable[..., Any], calls: list[str]) -> Callable[..., Any]:
        def noted(path: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(str(path))
            return method(path, *args, **kwargs)

        return noted

    def manifests(self) -> list[str]:
        return [path for path in self.reads if f"/{CATALOG}/" in path]

    def clear(self) -> None:
        self.reads.clear()
        self.listings.clear()


def test_a_warm_listing_reads_no_manifest(
    tmp_path: Path, shared_root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shared_root
    alice = machine(tmp_path, "alice", "team", root)
    for epoch in range(50):
        alice.artifacts.save(epoch, "model", store="team")
    machine(tmp_path, "bob", "lab", root)

    def bob() -> tuple[Client, Calls]:
        client = Client(tmp_path / "bob")  # as a new process on Bob's machine
        return client, Calls(monkeypatch, client.artifacts.catalog("lab").store)

    client, calls = bob()
    cold = client.artifacts.versions("model", store="lab")
    assert [v.version for v in cold] == list(range(1, 51))
    assert len(calls.manifests()) == 50 and len(calls.listings) == 1

    calls.clear()
    warm = client.artifacts.versions("model", store="lab")
    assert warm == cold
    assert (calls.manifests(), len(calls.listings)) == ([], 1)

    client, calls = bob()
    assert client.artifacts.versions(store="lab") == cold
    assert (calls.manifests(), len(calls.listings)) == ([], 1)

    calls.clear()
    one = client.artifacts.get("model", 7, store="lab")
    assert one == cold[6]
    assert calls.listings == [] and calls.manifests() == [f"{root}/{CATALOG}/model/7.json"]

    # The listing stays the truth: a version deleted elsewhere is gone at once, and a
    # new one costs one read.
    alice.artifacts.delete("model", 3, store="team")
    alice.artifacts.save("new", "model", store="team")
    calls.clear()
    now = client.artifacts.versions("model", store="lab")
    assert [v.version for v in now] == [n for n in range(1, 52) if n != 3]
    assert calls.manifests() == [f"{root}/{CATALOG}/model/51.json"]
    assert client.artifacts.load("model", store="lab") == "new"


# -- 8. manifests this release cannot read ---------------------------------------------


@pytest.fixture
def one_saved(tmp_path: Path) -> tuple[Path, Path]:
    """A machine whose default store holds model:1; its catalogue folder for `model`."""
    config = tmp_path / "config"
    client = Client(config)
    client.artifacts.save({"a": 1}, "model")
    return config, Path(client.get_artifact_store().path, CATALOG, "model")


def test_a_manifest_of_a_newer_format_is_refused_in_one_line(one_saved: tuple[Path, Path]) -> None:
    config, folder = one_saved
    manifest = json.loads((folder / "1.json").read_text())
    (folder / "2.json").write_text(json.dumps({**manifest, "format": 2, "version": 2}))
    for args in (("describe", "model:2"), ("describe", "model"), ("list",)):
        line = one_line_error(run(config, "artifact", *args))
        assert "the manifest of model:2 in store 'default' is in manifest format 2" in line
        assert "upgrade cargohold" in line
    assert Client(config).artifacts.load("model", 1) == {"a": 1}


def test_a_damaged_manifest_in_a_listing_is_a_one_line_error_naming_it(
    one_saved: tuple[Path, Path],
) -> None:
    config, folder = one_saved
    (folder / "2.json").write_bytes(b'{"format": 1, "name": "mod')  # cut short
    for args in (("list",), ("list", "--name", "model"), ("describe", "model:2")):
        line = one_line_error(run(config, "artifact", *args))
        assert "the manifest of model:2 in store 'default' is not a JSON manifest" in line
        assert "damaged" in line
    assert Client(config).artifacts.load("model", 1) == {"a": 1}


def test_fields_a_reader_does_not_know_are_ignored(one_saved: tuple[Path, Path]) -> None:
    config, folder = one_saved
    manifest = json.loads((folder / "1.json").read_text())
    later = {**manifest, "version": 2, "lineage": {"parents": ["data:4"]}, "signed": "x"}
    (folder / "2.json").write_text(json.dumps(later))  # its data is model:1's folder
    assert listed(config) == [("model", 1, "default"), ("model", 2, "default")]
    assert Client(config).artifacts.load("model", 2) == {"a": 1}
