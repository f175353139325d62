"""`cargohold artifact ...` and `cargohold artifact-store copy` between two local stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cargohold
from cargohold import Client
from cargohold.artifacts.service import CopyIncompleteError
from cargohold.cli import cli
from cargohold.errors import CargoholdError


def run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert (result.exit_code == 0) is ok, result.output
    return result.output


@pytest.fixture
def two_stores(tmp_path: Path) -> Client:
    client = Client()
    client.register_artifact_store("spare", "local", {"path": str(tmp_path / "spare")})
    for epoch in (1, 2):
        client.artifacts.save({"epoch": epoch}, "model")
    client.artifacts.save(b"x" * 3000, "blob")
    return client


def test_list_describe_and_delete(two_stores: Client) -> None:
    rows = json.loads(run("artifact", "list", "--name", "model", "-o", "json"))
    assert [(row["name"], row["version"]) for row in rows] == [("model", 1), ("model", 2)]
    assert "blob" in run("artifact", "list")
    details = json.loads(run("artifact", "describe", "model:1", "-o", "json"))
    assert details["files"] == ["data.json", "visualizations/preview.md"]
    assert details["uri"].endswith("/artifacts/model/1") and details["store"] == "default"
    assert json.loads(run("artifact", "describe", "model", "-o", "json"))["version"] == 2
    assert "Deleted model:1." in run("artifact", "delete", "model:1", "--yes")
    assert "Deleted model:2." in run("artifact", "delete", "model", "-y")
    assert not Path(details["uri"]).exists()
    assert "model" not in run("artifact", "list")


def test_visualize_writes_the_previews(two_stores: Client, tmp_path: Path) -> None:
    out = run("artifact", "visualize", "model:2", "--dir", str(tmp_path / "v"))
    assert Path(out.strip()) == tmp_path / "v" / "preview.md"
    assert '"epoch": 2' in (tmp_path / "v" / "preview.md").read_text()
    assert "has no visualizations" in run("artifact", "visualize", "blob", ok=False)


def test_copy_publishes_the_same_versions_in_dst_and_a_rerun_copies_nothing(
    two_stores: Client,
) -> None:
    source = two_stores.artifacts.versions()
    out = run("artifact-store", "copy", "default", "spare")
    assert "3 artifact version(s)" in out and "5 file(s) copied" in out
    spare = two_stores.get_artifact_store("spare")
    copied = two_stores.artifacts.versions(store="spare")
    assert [(v.ref, v.checksum, v.store) for v in copied] == [
        (v.ref, v.checksum, "spare") for v in source
    ]
    for before, after in zip(source, copied, strict=True):
        assert Path(before.uri).is_dir(), "the source is left as it was"
        assert after.uri == f"{spare.path}/artifacts/{before.name}/{before.version}"
    assert two_stores.artifacts.versions() == source, "SRC keeps its own versions"
    assert cargohold.load_artifact("model", 1, store="spare") == {"epoch": 1}
    assert cargohold.load_artifact("model", 1) == {"epoch": 1}
    listed = json.loads(run("artifact", "list", "--store", "spare", "-o", "json"))
    assert [(row["name"], row["version"], row["store"]) for row in listed] == [
        ("blob", 1, "spare"),
        ("model", 1, "spare"),
        ("model", 2, "spare"),
    ]

    again = run("artifact-store", "copy", "default", "spare")
    assert "Copied 0 artifact version(s)" in again and "0 file(s) copied" in again
    assert two_stores.artifacts.versions(store="spare") == copied

    # A copy stopped after blob's files landed but before its manifest: the rerun
    # finds the file in place and only publishes the version.
    spare.delete_files([f"{spare.path}/artifacts/.catalog/v1/blob/1.json"])
    resumed = run("artifact-store", "copy", "default", "spare", "--artifacts", "blob")
    assert "Copied 1 artifact version(s)" in resumed
    assert "0 file(s) copied" in resumed and "1 already there" in resumed
    assert two_stores.artifacts.versions(store="spare") == copied


def test_a_damaged_version_is_reported_and_the_others_are_copied(two_stores: Client) -> None:
    blob = two_stores.artifacts.get("blob")
    Path(blob.uri, "data.bin").write_bytes(b"y" * 3000)  # same size, other bytes
    source = two_stores.artifacts.versions()
    progress: list[tuple[int, int, int, int]] = []
    with pytest.raises(
        CopyIncompleteError,
        match=r"^1 of 3 version\(s\) not copied \(the first, blob:1: .* no longer matches the "
        "checksum",
    ) as failed:
        two_stores.artifacts.copy(
            "default", "spare", workers=2, progress=lambda *a: progress.append(a)
        )
    assert failed.value.report.versions == 2
    assert list(failed.value.report.failed) == ["blob:1"]
    assert [v.ref for v in two_stores.artifacts.versions(store="spare")] == ["model:1", "model:2"]
    assert two_stores.artifacts.versions() == source, "the source is only read"
    assert progress[0] == (0, 5, 0, sum(v.size for v in source))
    spare = two_stores.get_artifact_store("spare")
    assert not spare.exists(f"{spare.path}/artifacts/blob/1/data.bin")
    with pytest.raises(CargoholdError, match="no artifact named 'blob' in store 'spare'"):
        two_stores.artifacts.get("blob", 1, store="spare")


def test_a_different_file_at_the_destination_fails_its_version(two_stores: Client) -> None:
    spare = two_stores.get_artifact_store("spare")
    with spare.open("artifacts/blob/1/data.bin", "wb") as handle:
        handle.write(b"someone else's data")
    with pytest.raises(
        CopyIncompleteError,
        match=r"^1 of 3 version\(s\) not copied \(the first, blob:1: .*exists in store "
        "'spare' with other content",
    ):
        two_stores.artifacts.copy("default", "spare")
    assert [v.ref for v in two_stores.artifacts.versions(store="spare")] == ["model:1", "model:2"]
    assert spare.read_bytes("artifacts/blob/1/data.bin") == b"someone else's data"
    assert [v.store for v in two_stores.artifacts.versions()] == ["default"] * 3


def test_copy_refuses_bad_arguments(two_stores: Client) -> None:
    assert "same store" in run("artifact-store", "copy", "default", "default", ok=False)
    assert "no artifact store named 'ghost'" in run(
        "artifact-store", "copy", "ghost", "spare", ok=False
    )
    assert "artifact 'ghost' has no version in store 'default'" in run(
        "artifact-store", "copy", "default", "spare", "--artifacts", "ghost", ok=False
    )
    assert "has no version in store 'spare'" in run(
        "artifact-store", "copy", "spare", "default", "--artifacts", "blob", ok=False
    )


def test_the_progress_line_shows_files_and_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    from cargohold.cli.progress import ProgressLine

    line = ProgressLine("copying", interval=0.0)
    line._enabled = True  # as on a terminal
    for done in range(5):
        line(done, 4, done * (3 << 20), 12 << 20)
    line.close()
    shown = capsys.readouterr().err
    assert shown.endswith("4/4 files, 12.0/12.0 MiB\n")
    assert "\rcopying [######                  ] 1/4 files, 3.0/12.0 MiB" in shown
