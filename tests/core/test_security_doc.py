"""docs/security.md states the timeout and retry defaults: they must be the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from cargohold_azure.config import AzureArtifactStoreConfig
from cargohold_gcp.config import GCPArtifactStoreConfig
from cargohold_s3.config import S3ArtifactStoreConfig

SECURITY_MD = Path(__file__).parents[2] / "docs" / "security.md"
CONFIGS: dict[str, type[BaseModel]] = {
    "s3": S3ArtifactStoreConfig,
    "gcp": GCPArtifactStoreConfig,
    "azure": AzureArtifactStoreConfig,
}
ROW = re.compile(r"^\| (s3|gcp|azure) \| `(\w+)` \| ([\d.]+) \|", re.MULTILINE)
# Every field that bounds waiting or retrying; each must be in the table.
FAIL_FAST_FIELD = re.compile(r"timeout|retr")


def documented() -> dict[tuple[str, str], str]:
    rows = ROW.findall(SECURITY_MD.read_text(encoding="utf-8"))
    return {(flavor, field): default for flavor, field, default in rows}


@pytest.mark.parametrize("flavor", sorted(CONFIGS))
def test_the_defaults_table_matches_each_config(flavor: str) -> None:
    table = documented()
    fields = CONFIGS[flavor].model_fields
    bounding = {name for name in fields if FAIL_FAST_FIELD.search(name)}
    listed = {field for (row_flavor, field) in table if row_flavor == flavor}
    assert listed == bounding, f"docs/security.md lists {listed}, the config has {bounding}"
    for field in bounding:
        assert float(table[flavor, field]) == fields[field].default, (flavor, field)
