"""Artifacts on the local store: every built-in materializer, versions, previews, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy
import pandas
import pytest

import cargohold
from cargohold import Client, hookimpl
from cargohold.artifacts import optional
from cargohold.errors import CargoholdError
from cargohold.plugins import PluginHost


def make_tree(root: Path) -> Path:
    (root / "tree" / "sub").mkdir(parents=True)
    (root / "tree" / "a.txt").write_text("alpha")
    (root / "tree" / "sub" / "b.bin").write_bytes(bytes(range(256)) * 40)
    return root / "tree"


def make_file(root: Path) -> Path:
    (root / "weights.bin").write_bytes(b"\x00\x01" * 5000)
    return root / "weights.bin"


# name -> (build(tmp_path), the previews its materializer makes)
SAMPLES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "bytes": (lambda _: b"\x00raw\xffbytes", ()),
    "str": (lambda _: "héllo\nworld\r\n", ()),
    "dict": (lambda _: {"a": [1, 2.5, None, True], "b": {"c": "d"}}, ("preview.md",)),
    "list": (lambda _: [1, "two", 3.0, False], ("preview.md",)),
    "int": (lambda _: 42, ("preview.md",)),
    "float": (lambda _: 0.1, ("preview.md",)),
    "none": (lambda _: None, ("preview.md",)),
    "path-file": (make_file, ()),
    "path-folder": (make_tree, ()),
    "numpy": (lambda _: numpy.linspace(0, 1, 101), ("summary.md", "histogram.png")),
    "pandas": (
        lambda _: pandas.DataFrame({"x": [1, 2, 3], "label": ["a", "b", "c"]}),
        ("head.html",),
    ),
}


def assert_same(original: Any, loaded: Any) -> None:
    if isinstance(original, Path):
        assert isinstance(loaded, Path) and loaded != original
        if original.is_file():
            assert loaded.read_bytes() == original.read_bytes()
            assert loaded.name == original.name
        else:
            files = sorted(p.relative_to(original) for p in original.rglob("*") if p.is_file())
            assert sorted(p.relative_to(loaded) for p in loaded.rglob("*") if p.is_file()) == files
            for name in files:
                assert (loaded / name).read_bytes() == (original / name).read_bytes()
    elif isinstance(original, numpy.ndarray):
        assert isinstance(loaded, numpy.ndarray) and loaded.dtype == original.dtype
        numpy.testing.assert_array_equal(loaded, original)
    elif isinstance(original, pandas.DataFrame):
        pandas.testing.assert_frame_equal(loaded, original)
    else:
        assert type(loaded) is type(original) and loaded == original


def check_round_trip(client: Client, kind: str, tmp_path: Path) -> None:
    """Save a sample, load it back equal, and find its data and previews in the store."""
    build, previews = SAMPLES[kind]
    original = build(tmp_path)
    saved = client.artifacts.save(original, f"sample-{kind}", metadata={"kind": kind})
    store = client.get_artifact_store()
    assert saved.uri == f"{store.path}/artifacts/sample-{kind}/1"
    assert saved.version == 1 and saved.metadata == {"kind": kind}
    assert saved.visualizations == tuple(f"visualizations/{p}" for p in previews)
    for entry in saved.files:
        assert store.exists(f"{saved.uri}/{entry.path}")
    assert saved.size == sum(entry.size for entry in saved.files) > 0
    assert_same(original, client.artifacts.load(f"sample-{kind}"))


@pytest.mark.parametrize("kind", SAMPLES)
def test_every_builtin_materializer_round_trips_on_the_local_store(
    kind: str, tmp_path: Path
) -> None:
    check_round_trip(Client(), kind, tmp_path)


def test_previews_hold_what_they_describe(tmp_path: Path) -> None:
    artifacts = Client().artifacts
    artifacts.save(pandas.DataFrame({"temperature": range(50)}), "frame")
    artifacts.save(numpy.arange(100.0), "array")
    artifacts.save({"answer": 42}, "value")
    html = artifacts.write_visualizations("frame", None, tmp_path / "frame")
    assert "<table" in html[0].read_text() and "temperature" in html[0].read_text()
    assert html[0].read_text().count("<tr") == 1 + optional.PREVIEW_ROWS  # header + head
    png = [p for p in artifacts.write_visualizations("array", None, tmp_path / "a") if p.suffix]
    assert any(p.read_bytes().startswith(b"\x89PNG") for p in png)
    (markdown,) = artifacts.write_visualizations("value", None, tmp_path / "v")
    assert '"answer": 42' in markdown.read_text()


def test_a_dataframe_is_csv_when_pyarrow_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(optional, "_installed", lambda module: module != "pyarrow")
    frame = pandas.DataFrame({"x": [1, 2], "y": ["p", "q"]})
    saved = cargohold.save_artifact(frame, "frame")
    assert [entry.path for entry in saved.files] == ["data.csv", "visualizations/head.html"]
    pandas.testing.assert_frame_equal(cargohold.load_artifact("frame"), frame)


def test_versions_count_up_and_each_keeps_its_own_data() -> None:
    first = cargohold.save_artifact({"epoch": 1}, "model")
    second = cargohold.save_artifact({"epoch": 2}, "model")
    assert (first.version, second.version) == (1, 2)
    assert cargohold.load_artifact("model") == {"epoch": 2}
    assert cargohold.load_artifact("model", 1) == {"epoch": 1}
    assert [v.version for v in cargohold.list_artifacts("model")] == [1, 2]
    assert first.checksum != second.checksum


def test_a_deleted_version_number_is_never_given_again() -> None:
    for epoch in range(3):
        cargohold.save_artifact(epoch, "model")
    store = Client().get_artifact_store()
    (gone,) = cargohold.delete_artifact("model", 3)
    assert not store.exists(gone.uri)
    assert cargohold.save_artifact(99, "model").version == 4
    deleted = cargohold.delete_artifact("model")
    assert [v.version for v in deleted] == [1, 2, 4]
    assert cargohold.list_artifacts() == []
    assert cargohold.save_artifact(5, "model").version == 5


SAVE_FIVE = """
import sys
from cargohold import Client
artifacts = Client().artifacts
print(" ".join(str(artifacts.save(f"{sys.argv[1]}-{i}", "shared").version) for i in range(5)))
"""


def test_concurrent_processes_get_distinct_versions() -> None:
    client = Client()
    client.list_stacks()  # create the state first: the race is the versions
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", SAVE_FIVE, str(w)], stdout=subprocess.PIPE, text=True
        )
        for w in range(4)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    numbers = sorted(int(n) for output in outputs for n in output.split())
    assert numbers == list(range(1, 21))
    texts = {client.artifacts.load("shared", n) for n in numbers}
    assert len(texts) == 20, "every version must hold the data saved under its number"


def test_an_object_with_no_materializer_is_an_error_naming_its_type() -> None:
    class Opaque:
        pass

    with pytest.raises(CargoholdError, match=r"type '.*Opaque'.*allow_pickle=True"):
        cargohold.save_artifact(Opaque(), "opaque")
    with pytest.raises(CargoholdError, match=r"type 'builtins.tuple'"):
        cargohold.save_artifact((1, 2), "pair")  # JSON would load it back as a list
    assert cargohold.list_artifacts() == []


def test_pickle_only_when_asked_for_on_save_and_on_load() -> None:
    saved = cargohold.save_artifact((1, {2, 3}), "pair", allow_pickle=True)
    assert saved.type == "builtins.tuple"
    with pytest.raises(CargoholdError, match=r"is pickled.*allow_pickle=True"):
        cargohold.load_artifact("pair")
    assert cargohold.load_artifact("pair", allow_pickle=True) == (1, {2, 3})


def test_a_changed_stored_file_fails_its_checksum_on_load() -> None:
    saved = cargohold.save_artifact(b"original", "blob")
    Path(saved.uri, "data.bin").write_bytes(b"tampered")
    with pytest.raises(CargoholdError, match="does not match the checksum"):
        cargohold.load_artifact("blob")


def test_a_third_party_materializer_registers_through_the_hook() -> None:
    class Point:
        def __init__(self, x: int, y: int) -> None:
            self.x, self.y = x, y

    class PointMaterializer(cargohold.Materializer):
        associated_types = (Point,)

        def save(self, obj: Any, files: Any) -> None:
            files.write_text("point.json", json.dumps([obj.x, obj.y]))

        def load(self, files: Any) -> Point:
            return Point(*json.loads(files.read_text("point.json")))

        def visualize(self, obj: Any) -> dict[str, str | bytes]:
            return {"point.csv": f"x,y\n{obj.x},{obj.y}\n"}

    host = PluginHost().load()
    plugin = SimpleNamespace(
        cargohold_materializers=hookimpl(lambda register: register(PointMaterializer))
    )
    name = host.register(plugin, name="points")
    try:
        client = Client(plugins=host)
        saved = client.artifacts.save(Point(3, 4), "point")
        loaded = client.artifacts.load("point")
        assert (loaded.x, loaded.y) == (3, 4)
        assert saved.visualizations == ("visualizations/point.csv",)
    finally:
        host.unregister(name)
    with pytest.raises(CargoholdError, match="which no loaded plugin registers"):
        Client(plugins=PluginHost().load()).artifacts.load("point")


def test_deleting_a_store_registration_keeps_its_artifacts() -> None:
    # The versions live in the store's own catalogue: the registration is only a name
    # for its root, so dropping it loses nothing, and naming the root again finds them.
    client = Client()
    root = str(client.config_dir / "spare")
    client.register_artifact_store("spare", "local", {"path": root})
    saved = client.artifacts.save("kept", "note", store="spare")
    client.delete_artifact_store("spare")
    again = Client()
    again.register_artifact_store("spare-again", "local", {"path": root})
    (found,) = again.artifacts.versions(store="spare-again")
    assert (found.ref, found.checksum) == (saved.ref, saved.checksum)
    assert again.artifacts.load("note", store="spare-again") == "kept"


def test_saving_json_values_imports_no_optional_library() -> None:
    code = (
        "import sys, cargohold; cargohold.save_artifact({'a': 1}, 'x'); "
        "cargohold.load_artifact('x'); "
        "print(sorted(m for m in ('numpy', 'pandas', 'pyarrow', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_registered_class_that_is_no_materializer_breaks_its_plugin() -> None:
    class NotAMaterializer:
        def save(self) -> None: ...

    host = PluginHost().load()
    plugin = SimpleNamespace(
        cargohold_materializers=hookimpl(lambda register: register(NotAMaterializer))
    )
    name = host.register(plugin, name="half")
    try:
        (record,) = [p for p in host.plugins if p.name == "half"]
        assert record.status == "broken"
        assert "has no handles, load; subclass cargohold.Materializer" in (record.reason or "")
    finally:
        host.unregister(name)
