"""Integrations: installable bundles that bring flavors (``s3``, ``gcp``, ``azure``, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
