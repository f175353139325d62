"""What listing and describing plugin flavors shows, cached per Python environment.

Building it means loading every plugin, which imports pluggy, importlib.metadata and
pydantic: about 200 ms before the first line of output. What it shows changes only
when the environment does, so it is kept in ``<config dir>/cache/`` under a
fingerprint that costs a few dozen ``stat`` calls to check:

- the interpreter, ``sys.path`` and ``CARGOHOLD_LOAD_PLUGINS``;
- the modification time of every ``sys.path`` directory: installing, upgrading or
  uninstalling a distribution adds or removes entries in its directory;
- the modification time and size of every source file the catalog was built from
  (the core's and each plugin's modules), which catches edits to editable installs.

Any difference, or a file that cannot be read, means the catalog is rebuilt; a
catalog that cannot be written is simply not cached. ``CARGOHOLD_FLAVOR_CACHE=0``
turns the cache off. Standard library only: a hit must not import what it saves.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CACHE_ENV = "CARGOHOLD_FLAVOR_CACHE"
FORMAT = 1
MASK = "**********"


def cache_enabled() -> bool:
    return os.environ.get(CACHE_ENV, "1").lower() not in ("0", "false", "no", "off")


def _mtime(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def environment_key() -> dict[str, Any]:
    """The part of the fingerprint that is known before anything is imported."""
    return {
        "format": FORMAT,
        "python": [sys.executable, sys.version],
        "load_plugins": os.environ.get("CARGOHOLD_LOAD_PLUGINS"),
        "path": [[entry, _mtime(entry or ".")] for entry in sys.path],
    }


def cache_file(config_dir: Path) -> Path:
    # One file per environment: virtualenvs sharing a config dir do not evict each other.
    # crc32, not a hashlib digest: a hit must stay cheap, and hashlib costs ~3 ms to
    # import. A clash between two environments only makes them rebuild in turn: the
    # full key inside the file is what decides a hit.
    where = f"{sys.prefix}\0{sys.executable}".encode()
    digest = f"{zlib.crc32(where):08x}"
    return config_dir / "cache" / f"flavors-{digest}.json"


def source_files(packages: set[str]) -> dict[str, list[int] | None]:
    """Every loaded module file of ``packages`` (top-level names), with mtime and size."""
    files: dict[str, list[int] | None] = {}
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in packages:
            continue
        file = getattr(module, "__file__", None)
        if file:
            files[file] = _mtime(file)
    return files


def read(config_dir: Path) -> dict[str, Any] | None:
    """The cached catalog if it was built in this same environment, else None."""
    if not cache_enabled():
        return None
    try:
        data = json.loads(cache_file(config_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("environment") != environment_key():
        return None
    files = data.get("files")
    if not isinstance(files, dict) or any(_mtime(f) != stamp for f, stamp in files.items()):
        return None
    catalog = data.get("catalog")
    return catalog if isinstance(catalog, dict) else None


def write(config_dir: Path, catalog: Mapping[str, Any], packages: set[str]) -> None:
    """Keep ``catalog`` for the next process; never fails the command that built it."""
    if not cache_enabled():
        return
    target = cache_file(config_dir)
    data = {
        "environment": environment_key(),
        "files": source_files(packages),
        "catalog": catalog,
    }
    temporary = target.with_name(f"{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        # The config directory is private (0700) whoever creates it first.
        config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)


def get_or_build(
    config_dir: Path, build: Callable[[], tuple[dict[str, Any], set[str]]]
) -> dict[str, Any]:
    """The cached catalog, or ``build()``'s (catalog, source packages), then cached."""
    cached = read(config_dir)
    if cached is not None:
        return cached
    catalog, packages = build()
    write(config_dir, catalog, packages)
    return catalog


def shown_config(fields: list[dict[str, Any]], stored: Mapping[str, Any]) -> dict[str, Any] | None:
    """A stored config as ``describe`` shows it (defaults filled in, secrets masked).

    Returns None when only the config class can say: a key it does not know, a
    required field that is missing, or an unset field whose default is computed.
    """
    known = {field["name"] for field in fields}
    if not known.issuperset(stored):
        return None
    shown: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        if name in stored:
            value = stored[name]
        elif field["required"] or field["computed"]:
            return None
        else:
            value = field["default"]
        if value is not None:
            shown[name] = MASK if field["secret"] else value
    return shown
