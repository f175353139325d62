"""Materializers for numpy arrays and pandas DataFrames.

Neither library is imported to decide: an object can only be an ndarray or a
DataFrame if its library is already in ``sys.modules``. They are imported when such
an object is saved or loaded, and so are pyarrow (Parquet) and matplotlib (plots)
when present.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from typing import Any

from cargohold.artifacts.files import ArtifactFiles
from cargohold.artifacts.materializers import Materializer

PREVIEW_ROWS = 10


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


class NumpyMaterializer(Materializer):
    """numpy arrays as ``.npy`` (never pickled); a histogram when matplotlib is present."""

    @classmethod
    def handles(cls, obj: Any) -> bool:
        numpy = sys.modules.get("numpy")
        return numpy is not None and isinstance(obj, numpy.ndarray) and obj.dtype != object

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        import numpy

        buffer = io.BytesIO()
        numpy.save(buffer, obj, allow_pickle=False)
        files.write_bytes("array.npy", buffer.getvalue())

    def load(self, files: ArtifactFiles) -> Any:
        import numpy

        return numpy.load(io.BytesIO(files.read_bytes("array.npy")), allow_pickle=False)

    def visualize(self, obj: Any) -> dict[str, str | bytes]:
        import numpy

        summary = f"| shape | dtype |\n|---|---|\n| {obj.shape} | {obj.dtype} |\n"
        previews: dict[str, str | bytes] = {"summary.md": summary}
        numeric = numpy.issubdtype(obj.dtype, numpy.number) and obj.size > 0
        if numeric and _installed("matplotlib"):
            # The Figure API needs no GUI backend and leaves pyplot's global state alone.
            from matplotlib.figure import Figure

            figure = Figure(figsize=(6, 4))
            axes = figure.subplots()
            axes.hist(numpy.real(obj).ravel(), bins=30)
            axes.set_title(f"values of a {obj.dtype} array of shape {obj.shape}")
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            previews["histogram.png"] = buffer.getvalue()
        return previews


class PandasMaterializer(Materializer):
    """DataFrames as Parquet when pyarrow is installed, else CSV; the head as an HTML table."""

    @classmethod
    def handles(cls, obj: Any) -> bool:
        pandas = sys.modules.get("pandas")
        return pandas is not None and isinstance(obj, pandas.DataFrame)

    def save(self, obj: Any, files: ArtifactFiles) -> None:
        buffer = io.BytesIO()
        if _installed("pyarrow"):
            obj.to_parquet(buffer)
            files.write_bytes("data.parquet", buffer.getvalue())
        else:
            files.write_text("data.csv", obj.to_csv(index=False))

    def load(self, files: ArtifactFiles) -> Any:
        import pandas

        if "data.parquet" in files:
            return pandas.read_parquet(io.BytesIO(files.read_bytes("data.parquet")))
        return pandas.read_csv(io.StringIO(files.read_text("data.csv")))

    def visualize(self, obj: Any) -> dict[str, str | bytes]:
        return {"head.html": obj.head(PREVIEW_ROWS).to_html()}


OPTIONAL_MATERIALIZERS: tuple[type[Materializer], ...] = (NumpyMaterializer, PandasMaterializer)
