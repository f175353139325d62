"""Whether a distribution's requirements are installed, checked without importing them."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires, version


@dataclass(frozen=True)
class DependencyReport:
    """``satisfied`` is False when any requirement is missing or out of range."""

    distribution: str
    problems: tuple[str, ...] = ()

    @property
    def satisfied(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return "ready" if self.satisfied else "missing: " + "; ".join(self.problems)


def check_distribution(distribution: str) -> DependencyReport:
    """Check every unconditional requirement of an installed distribution."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        declared = requires(distribution) or []
    except PackageNotFoundError:
        return DependencyReport(distribution, (f"{distribution} (not installed)",))
    problems: list[str] = []
    for line in declared:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        try:
            found = version(requirement.name)
        except PackageNotFoundError:
            problems.append(f"{requirement} (not installed)")
            continue
        if not requirement.specifier.contains(found, prereleases=True):
            problems.append(f"{requirement} (found {found})")
    return DependencyReport(distribution, tuple(problems))
