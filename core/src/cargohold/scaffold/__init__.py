"""``cargohold flavor init``: a complete plugin distribution for a new flavor.

The files come from ``templates/`` (package data, ``string.Template`` syntax: ``$name``,
``$$`` for a literal dollar). The result installs with pip and passes its own tests
as generated, over an in-memory stand-in for the real backend.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cargohold.errors import ScaffoldError
from cargohold.integrations import first_party_names

# Output path -> template, relative to templates/. "{package}" is the import name.
FILES = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    ".gitignore": "gitignore.tmpl",
    "src/{package}/__init__.py": "src/package/__init__.py.tmpl",
    "src/{package}/py.typed": "src/package/py.typed.tmpl",
    "src/{package}/hookimpls.py": "src/package/hookimpls.py.tmpl",
    "src/{package}/config.py": "src/package/config.py.tmpl",
    "src/{package}/flavor.py": "src/package/flavor.py.tmpl",
    "src/{package}/store.py": "src/package/store.py.tmpl",
    "src/{package}/standin.py": "src/package/standin.py.tmpl",
    "tests/test_conformance.py": "tests/test_conformance.py.tmpl",
    "tests/test_flavor.py": "tests/test_flavor.py.tmpl",
}

# Lowercase words joined by single underscores: a valid Python identifier inside
# "cargohold_<name>", and a valid distribution name as "cargohold-<name>".
_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# Longer names push the generated class and import lines past 100 characters.
MAX_NAME_LENGTH = 20
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
# Flavor and entry-point names that cargohold itself uses (the built-in plugin and its
# flavors); a second plugin claiming one would be reported broken.
BUILTIN_NAMES = frozenset({"builtin", "local", "memory"})
# ...and those of the first-party plugins, from the catalogue generated from them.
RESERVED_NAMES = BUILTIN_NAMES | first_party_names()


@dataclass(frozen=True)
class FlavorProject:
    """The names a scaffolded distribution is built from."""

    name: str
    scheme: str  # with its "://"
    core_requirement: str

    @property
    def distribution(self) -> str:
        return "cargohold-" + self.name.replace("_", "-")

    @property
    def package(self) -> str:
        return f"cargohold_{self.name}"

    @property
    def class_prefix(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def substitutions(self) -> dict[str, str]:
        return {
            "name": self.name,
            "scheme": self.scheme,
            "protocol": self.scheme.removesuffix("://"),
            "distribution": self.distribution,
            "package": self.package,
            "class_prefix": self.class_prefix,
            "core_requirement": self.core_requirement,
        }


def core_requirement() -> str:
    """``cargohold>=X.Y,<X+1``: the compatible range of the installed core."""
    from importlib.metadata import version

    from packaging.version import Version

    installed = Version(version("cargohold"))
    return f"cargohold>={installed.major}.{installed.minor},<{installed.major + 1}"


def plan(name: str, scheme: str | None = None) -> FlavorProject:
    """Validate ``name`` and ``scheme`` into a project.

    The scheme defaults to the name, with ``-`` for ``_`` (URI schemes have no
    underscores): ``acme_blob`` gets ``acme-blob://``.
    """
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(
            f"invalid flavor name {name!r}: use up to {MAX_NAME_LENGTH} lowercase letters, "
            "digits and single underscores, starting with a letter (e.g. acme or acme_blob)"
        )
    if name in RESERVED_NAMES:
        taken = ", ".join(sorted(RESERVED_NAMES))
        raise ScaffoldError(f"flavor name {name!r} is taken (reserved: {taken}); choose another")
    if scheme is None:
        scheme = name.replace("_", "-")
    protocol = scheme.removesuffix("://")
    if not _SCHEME.fullmatch(protocol):
        raise ScaffoldError(
            f"invalid scheme {scheme!r}: use lowercase letters, digits, '+', '-' or '.', "
            "starting with a letter (e.g. acme or acme://)"
        )
    return FlavorProject(name=name, scheme=f"{protocol}://", core_requirement=core_requirement())


def render(project: FlavorProject) -> dict[str, str]:
    """Output path (relative, '/'-separated) -> file content."""
    templates = resources.files(__name__).joinpath("templates")
    values = project.substitutions()
    return {
        target.format(package=project.package): string.Template(
            templates.joinpath(source).read_text(encoding="utf-8")
        ).substitute(values)
        for target, source in FILES.items()
    }


def scaffold_flavor(name: str, scheme: str | None = None, directory: Path | None = None) -> Path:
    """Write the distribution for flavor ``name`` (see ``write_project``); return its folder."""
    return write_project(plan(name, scheme), directory)


def write_project(project: FlavorProject, directory: Path | None = None) -> Path:
    """Write ``project`` into ``directory``, default ``./cargohold-<name>``.

    The directory must be missing or empty: nothing is ever overwritten.
    """
    target = Path(directory) if directory is not None else Path(project.distribution)
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a directory; choose another --dir")
    if target.is_dir() and any(target.iterdir()):
        raise ScaffoldError(f"{target} is not empty; choose another --dir or remove it first")
    files = render(project)  # before writing anything: a template error leaves no half tree
    for relative, content in files.items():
        path = target.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return target


__all__ = [
    "FILES",
    "FlavorProject",
    "ScaffoldError",
    "core_requirement",
    "plan",
    "render",
    "scaffold_flavor",
    "write_project",
]
