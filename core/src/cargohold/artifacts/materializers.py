"""Materializers: how a Python object becomes files in a store, and back.

The built-ins cover bytes, str, JSON values and ``pathlib.Path`` files or folders
(this module), and numpy arrays and pandas DataFrames (``optional.py``, whose
libraries are imported only when such an object is saved or loaded). Third parties
add theirs through the ``cargohold_materializers`` hook.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from cargohold.artifacts.files import ArtifactFiles


class Materializer:
    """Saves objects of ``associated_types`` as files, and loads them back.

    Subclass it, set ``associated_types`` (or override ``handles`` when the check
    must not import a library), and implement ``save`` and ``load``. ``visualize``
    may return previews, ``{file name: text or bytes}``, with names ending in
    ``.html``, ``.md``, ``.csv`` or ``.png``; they are stored beside the data.
    """

    associated_types: ClassVar[tuple[type, ...]] = ()

    @classmethod
    def handles(cls, obj: Any) -> bool:
        """Whether this materializer can save ``obj``."""
        return isinstance(obj, cls.associated_types)

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement save()")

    def load(self, files: ArtifactFiles) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement load()")

    def visualize(self, obj: Any) -> dict[str, str | bytes]:
        return {}


class BytesMaterializer(Materializer):
    associated_types = (bytes,)

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        files.write_bytes("data.bin", obj)

    def load(self, files: ArtifactFiles) -> bytes:
        return files.read_bytes("data.bin")


class StrMaterializer(Materializer):
    associated_types = (str,)

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        files.write_text("data.txt", obj)

    def load(self, files: ArtifactFiles) -> str:
        return files.read_text("data.txt")


def _dump_json(obj: Any) -> str | None:
    """``obj`` as JSON when it reads back equal (no tuples, NaN or non-str keys), else None."""
    try:
        text = json.dumps(obj, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return text if json.loads(text) == obj and _same_types(obj, json.loads(text)) else None


def _same_types(a: Any, b: Any) -> bool:
    # 1 == 1.0 and True == 1 in Python, but they must load back as what was saved.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True


class JsonMaterializer(Materializer):
    """dicts, lists, numbers, booleans and None that JSON holds exactly."""

    associated_types = (dict, list, int, float, bool, type(None))

    @classmethod
    def handles(cls, obj: Any) -> bool:
        return isinstance(obj, cls.associated_types) and _dump_json(obj) is not None

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        files.write_text("data.json", _dump_json(obj) or "null")

    def load(self, files: ArtifactFiles) -> Any:
        return json.loads(files.read_text("data.json"))

    def visualize(self, obj: Any) -> dict[str, str | bytes]:
        pretty = json.dumps(obj, indent=2, sort_keys=True)
        return {"preview.md": f"```json\n{pretty}\n```\n"}


class PathMaterializer(Materializer):
    """A local file or folder, streamed in chunks; loads as a fresh local copy."""

    associated_types = (Path,)

    @classmethod
    def handles(cls, obj: Any) -> bool:
        return isinstance(obj, Path) and obj.exists()

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        if obj.is_file():
            with obj.open("rb") as source:
                files.write_stream(f"file/{obj.name}", source)
            return
        for directory, _, names in os.walk(obj):
            for name in sorted(names):
                local = Path(directory, name)
                with local.open("rb") as source:
                    files.write_stream(f"tree/{local.relative_to(obj).as_posix()}", source)

    def load(self, files: ArtifactFiles) -> Path:
        target = Path(tempfile.mkdtemp(prefix="cargohold-artifact-"))
        for name in files.names():
            if not name.startswith(("file/", "tree/")):
                continue
            local = target / name
            local.parent.mkdir(parents=True, exist_ok=True)
            with files.open(name) as source, local.open("wb") as destination:
                while chunk := source.read(8 << 20):
                    destination.write(chunk)
        singles = [name for name in files.names() if name.startswith("file/")]
        if singles:
            return target / singles[0]
        (target / "tree").mkdir(exist_ok=True)  # an empty folder was saved
        return target / "tree"


class PickleMaterializer(Materializer):
    """Any picklable object; used only when the caller passes ``allow_pickle=True``."""

    @classmethod
    def handles(cls, obj: Any) -> bool:
        return False  # never chosen on its own: unpickling runs code from the store

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        files.write_bytes("data.pickle", pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self, files: ArtifactFiles) -> Any:
        return pickle.loads(files.read_bytes("data.pickle"))


BUILTIN_MATERIALIZERS: tuple[type[Materializer], ...] = (
    BytesMaterializer,
    StrMaterializer,
    JsonMaterializer,
    PathMaterializer,
    PickleMaterializer,
)
