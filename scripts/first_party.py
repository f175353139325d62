"""Write the core's first-party catalogue from the plugins' own pyproject.toml files.

Each ``plugins/*/pyproject.toml`` declares its integration once::

    [tool.cargohold.integration]
    name = "s3"
    flavors = ["s3"]
    description = "..."

and its distribution is its ``[project].name``. From those tables this script writes

- ``core/src/cargohold/first_party.json``, the catalogue the core loads, so that it
  knows the first-party integrations before they are installed;
- the first-party extras of ``core/pyproject.toml`` (``cargohold[s3]`` and so on),
  between the "begin"/"end" comment lines of ``[project.optional-dependencies]``;
  extras outside those lines are left alone.

Both are committed, so that a fresh clone builds and tests without running this.

    python scripts/first_party.py            # rewrite what is stale
    python scripts/first_party.py --check    # exit 1, with a diff, if anything is stale
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 has no TOML reader of its own
    try:
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    except ModuleNotFoundError:
        sys.exit("scripts/first_party.py needs Python 3.11+, or tomli: pip install tomli")

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "python scripts/first_party.py"
CATALOGUE = Path("core/src/cargohold/first_party.json")
CORE_PYPROJECT = Path("core/pyproject.toml")
PLUGINS = Path("plugins")

TABLE = "[tool.cargohold.integration]"
FIELDS = {"name": str, "flavors": list, "description": str}
EXTRAS_TABLE = "[project.optional-dependencies]"
BEGIN = f"# begin first-party extras, written by {COMMAND}"
END = "# end first-party extras"


class CatalogueError(Exception):
    """A plugin's table, or the core's pyproject.toml, that this script cannot use."""


@dataclass(frozen=True)
class FirstParty:
    """One plugin's ``[tool.cargohold.integration]`` with its distribution name."""

    name: str
    distribution: str
    flavors: tuple[str, ...]
    description: str
    source: str  # the pyproject.toml it came from, relative to the root

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "flavors": list(self.flavors),
            "description": self.description,
        }


def read_plugin(root: Path, pyproject: Path) -> FirstParty:
    source = pyproject.relative_to(root).as_posix()
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    table = data.get("tool", {}).get("cargohold", {}).get("integration")
    if not isinstance(table, dict):
        raise CatalogueError(f"{source} has no {TABLE} table; every first-party plugin needs one")
    unknown = sorted(set(table) - set(FIELDS))
    missing = sorted(set(FIELDS) - set(table))
    if unknown or missing:
        raise CatalogueError(
            f"{source}: {TABLE} takes exactly {', '.join(FIELDS)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    for key, kind in FIELDS.items():
        if not isinstance(table[key], kind) or not table[key]:
            raise CatalogueError(f"{source}: {TABLE} {key} must be a non-empty {kind.__name__}")
    if not all(isinstance(flavor, str) and flavor for flavor in table["flavors"]):
        raise CatalogueError(f"{source}: {TABLE} flavors must be non-empty strings")
    distribution = data.get("project", {}).get("name")
    if not isinstance(distribution, str) or not distribution:
        raise CatalogueError(f"{source} has no [project] name")
    return FirstParty(
        name=table["name"],
        distribution=distribution,
        flavors=tuple(table["flavors"]),
        description=table["description"],
        source=source,
    )


def read_plugins(root: Path) -> list[FirstParty]:
    """Every plugin under ``plugins/``, sorted by integration name."""
    found = [read_plugin(root, path) for path in sorted((root / PLUGINS).glob("*/pyproject.toml"))]
    seen: dict[str, str] = {}
    for plugin in found:
        for claimed in dict.fromkeys((plugin.name, *plugin.flavors)):
            if claimed in seen and seen[claimed] != plugin.source:
                raise CatalogueError(
                    f"{plugin.source} and {seen[claimed]} both claim the name {claimed!r}"
                )
            seen[claimed] = plugin.source
    return sorted(found, key=lambda plugin: plugin.name)


def render_catalogue(plugins: Sequence[FirstParty]) -> str:
    document = {
        "generated": (
            f"by {COMMAND} from the {TABLE} tables of plugins/*/pyproject.toml; "
            "edit those and run it again, not this file"
        ),
        "integrations": [plugin.as_json() for plugin in plugins],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_extras(pyproject: str, plugins: Sequence[FirstParty]) -> str:
    """``pyproject`` with the lines between BEGIN and END replaced by one extra per plugin."""
    lines = pyproject.splitlines(keepends=True)
    stripped = [line.strip() for line in lines]
    if EXTRAS_TABLE not in stripped or stripped.count(BEGIN) != 1 or stripped.count(END) != 1:
        raise CatalogueError(
            f"{CORE_PYPROJECT} needs, in {EXTRAS_TABLE}, the comment lines\n  {BEGIN}\n  {END}\n"
            "once each, around the first-party extras"
        )
    table, begin, end = stripped.index(EXTRAS_TABLE), stripped.index(BEGIN), stripped.index(END)
    next_table = next(
        (i for i in range(table + 1, len(lines)) if stripped[i].startswith("[")), len(lines)
    )
    if not table < begin < end < next_table:
        raise CatalogueError(
            f"{CORE_PYPROJECT}: the first-party extras' begin/end lines must be inside "
            f"{EXTRAS_TABLE}, begin first"
        )
    extras = [f"{plugin.name} = {json.dumps([plugin.distribution])}\n" for plugin in plugins]
    return "".join([*lines[: begin + 1], *extras, *lines[end:]])


def expected(root: Path) -> dict[Path, str]:
    """Each generated file, relative to ``root``, with the content it should have."""
    plugins = read_plugins(root)
    core = (root / CORE_PYPROJECT).read_text(encoding="utf-8")
    return {CATALOGUE: render_catalogue(plugins), CORE_PYPROJECT: render_extras(core, plugins)}


def stale(root: Path, contents: dict[Path, str]) -> dict[Path, str]:
    """The generated files whose content on disk differs from ``contents``, each with a
    diff from the committed text to the expected one."""
    problems: dict[Path, str] = {}
    for relative, content in contents.items():
        path = root / relative
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != content:
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                content.splitlines(keepends=True),
                f"{relative.as_posix()} (committed)",
                f"{relative.as_posix()} (from plugins/*/pyproject.toml)",
            )
            problems[relative] = "".join(diff)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this)")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    try:
        contents = expected(root)
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problems = stale(root, contents)
    if args.check:
        for relative, diff in problems.items():
            print(f"{relative.as_posix()} is stale; run: {COMMAND}", file=sys.stderr)
            print(diff, file=sys.stderr, end="")
        return 1 if problems else 0
    for relative in problems:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(contents[relative], encoding="utf-8")
        print(f"wrote {relative.as_posix()}")
    if not problems:
        print("first-party catalogue and extras are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
