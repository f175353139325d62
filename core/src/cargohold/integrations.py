"""Integrations: installable bundles that bring flavors.

The catalog merges the first-party integrations, known here even before their
distribution is installed, with those that installed plugins register through
``cargohold_integrations``. The first-party ones are read from ``first_party.json``,
which ``scripts/first_party.py`` writes from each plugin's own pyproject.toml, so a new
first-party plugin needs no edit here. Everything here reads installed metadata only:
nothing is imported from the integrations themselves, and pip is never imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from cargohold.errors import UnknownIntegrationError

CORE_DISTRIBUTION = "cargohold"


@dataclass(frozen=True)
class Integration:
    """What ``cargohold_integrations`` registers.

    ``distribution`` is the PyPI name that ``cargohold integration install NAME``
    installs; ``flavors`` are the flavor names it provides.
    """

    name: str
    distribution: str
    flavors: tuple[str, ...] = ()
    description: str = ""
    requirements: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.name or not self.distribution:
            raise ValueError("an Integration needs a name and a distribution")


# Released with the core, so the core knows them before they are installed; each is
# also an extra of the core (`pip install "cargohold[s3]"` is the same install). Both
# the catalogue and the extras are generated: run `python scripts/first_party.py`.
CATALOGUE = "first_party.json"

# Declared for type checkers only: the value comes from ``__getattr__`` on first use, so
# that importing this module (every plugin load does) reads no file.
FIRST_PARTY: tuple[Integration, ...]


def __getattr__(name: str) -> object:
    if name == "FIRST_PARTY":
        return first_party()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def first_party() -> tuple[Integration, ...]:
    """The first-party integrations, sorted by name, from the generated catalogue."""
    import json
    from importlib.resources import files

    text = files("cargohold").joinpath(CATALOGUE).read_text(encoding="utf-8")
    return tuple(
        Integration(
            name=entry["name"],
            distribution=entry["distribution"],
            flavors=tuple(entry["flavors"]),
            description=entry["description"],
        )
        for entry in json.loads(text)["integrations"]
    )


@cache
def _first_party_by_name() -> dict[str, Integration]:
    return {integration.name: integration for integration in first_party()}


def first_party_names() -> frozenset[str]:
    """Every integration and flavor name the first-party plugins use."""
    return frozenset(
        name for integration in first_party() for name in (integration.name, *integration.flavors)
    )


def is_first_party(integration: Integration) -> bool:
    """Released with the core (a plugin may register the name with another distribution)."""
    known = _first_party_by_name().get(integration.name)
    return known is not None and canonical(known.distribution) == canonical(
        integration.distribution
    )


@dataclass(frozen=True)
class IntegrationStatus:
    """One row of ``cargohold integration list``."""

    integration: Integration
    extra: str | None
    installed_version: str | None
    problems: tuple[str, ...]

    @property
    def installed(self) -> bool:
        return self.installed_version is not None

    @property
    def requirements_status(self) -> str:
        """``ready``, ``missing: ...``, or ``-`` when the distribution is not installed."""
        if not self.installed:
            return "-"
        return "ready" if not self.problems else "missing: " + "; ".join(self.problems)

    def as_dict(self) -> dict[str, object]:
        integration = self.integration
        return {
            "name": integration.name,
            "distribution": integration.distribution,
            "installed": self.installed,
            "version": self.installed_version,
            "flavors": list(integration.flavors),
            "requirements": self.requirements_status,
            "extra": self.extra,
            "description": integration.description,
        }


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def catalog(registered: Mapping[str, Integration]) -> dict[str, Integration]:
    """First-party integrations, overridden and extended by what plugins registered."""
    merged = dict(_first_party_by_name())
    merged.update(registered)
    return dict(sorted(merged.items()))


def select(known: Mapping[str, Integration], names: Iterable[str]) -> list[Integration]:
    """The named integrations, in order and without repeats; unknown names raise."""
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise UnknownIntegrationError(
            f"unknown integration{plural} {', '.join(repr(n) for n in unknown)}; known: "
            f"{', '.join(known) or '(none)'} (`cargohold integration list` shows them)"
        )
    return [known[name] for name in wanted]


def installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def compatible_range(release: str) -> str:
    """``0.1.3`` -> ``>=0.1,<1``: same major version, at least this minor one."""
    parts = [*re.findall(r"\d+", release.split("+")[0])[:2], "0", "0"]
    major, minor = int(parts[0]), int(parts[1])
    return f">={major}.{minor},<{major + 1}"


def requirement_lines(integration: Integration) -> list[str]:
    """pip-ready lines for one integration: its distribution with a compatible range,
    then any extra requirements it declares.

    The range follows the installed distribution, else, for a first-party one, the
    core (they are released together); a third-party one not yet installed has no
    version to go by and is left unpinned.
    """
    release = installed_version(integration.distribution)
    if release is None and is_first_party(integration):
        release = installed_version(CORE_DISTRIBUTION)
    line = integration.distribution + (compatible_range(release) if release else "")
    return [line, *integration.requirements]


def core_requirement() -> str:
    """The running core, pinned: integrations are ranged against it."""
    release = installed_version(CORE_DISTRIBUTION)
    return f"{CORE_DISTRIBUTION}=={release}" if release else CORE_DISTRIBUTION


def unmet(requirements: Iterable[str]) -> list[str]:
    """Which requirement strings the environment does not satisfy, and why."""
    from packaging.requirements import InvalidRequirement, Requirement

    problems: list[str] = []
    for line in requirements:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            problems.append(f"{line} (not a valid requirement)")
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        found = installed_version(requirement.name)
        if found is None:
            problems.append(f"{requirement} (not installed)")
        elif not requirement.specifier.contains(found, prereleases=True):
            problems.append(f"{requirement} (found {found})")
    return problems


def status(integration: Integration) -> IntegrationStatus:
    """Whether the integration is installed, and whether its requirements are met."""
    from cargohold.dependencies import check_distribution

    found = installed_version(integration.distribution)
    problems: tuple[str, ...] = ()
    if found is not None:
        problems = check_distribution(integration.distribution).problems
        problems += tuple(unmet(integration.requirements))
    extra = f"{CORE_DISTRIBUTION}[{integration.name}]" if is_first_party(integration) else None
    return IntegrationStatus(integration, extra, found, problems)
