"""Flavors: what ties a component's config class to its implementation.

A flavor names its implementation as a ``"module:Class"`` string, imported the
first time a store does I/O, so that listing flavors and validating configs never
pulls in a heavy cloud library. Flavors written the ZenML way (an
``implementation_class`` property that imports inside its body) work too; the
core reads that property only when it needs the implementation.
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from cargohold.errors import (
    CargoholdError,
    ConfigValidationError,
    FlavorNotFoundError,
    MissingDependencyError,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


class StackComponentType(str, Enum):
    """The kinds of stack component a flavor can implement."""

    ARTIFACT_STORE = "artifact_store"

    def __str__(self) -> str:
        return self.value


class Flavor(ABC):
    """Base of every flavor.

    ``name``, ``type`` and ``config_class`` may be class attributes or properties.
    Name the implementation either with the ``implementation`` string or by
    overriding ``implementation_class``.
    """

    implementation: ClassVar[str | None] = None
    integration: ClassVar[str | None] = None
    docs_url: ClassVar[str | None] = None

    @property
    @abstractmethod
    def name(self) -> str:
        """The flavor's name, unique within its component type."""

    @property
    @abstractmethod
    def type(self) -> StackComponentType:
        """The component type this flavor implements."""

    @property
    @abstractmethod
    def config_class(self) -> builtins.type[BaseModel]:
        """The pydantic model that validates this flavor's configuration."""

    @property
    def implementation_class(self) -> builtins.type[Any]:
        """The implementation, imported from ``implementation`` on first access."""
        if not self.implementation:
            raise CargoholdError(
                f"flavor {self.name!r} names no implementation; set `implementation = "
                f'"module:Class"` or override `implementation_class`'
            )
        from cargohold.dotted import import_object

        implementation: builtins.type[Any] = import_object(self.implementation)
        return implementation

    def validate_config(self, values: Mapping[str, Any]) -> BaseModel:
        """Validate ``values`` with the config class only; never touches the network."""
        from pydantic import ValidationError

        try:
            config: BaseModel = self.config_class.model_validate(dict(values))
            return config
        except ValidationError as exc:
            command = f"cargohold {self.type.value.replace('_', '-')} flavor describe {self.name}"
            raise ConfigValidationError(
                f"invalid config for {self.type} flavor {self.name!r}: "
                + describe_validation_error(exc, self.config_class)
                + f" (`{command}` lists its fields)"
            ) from None

    def load_implementation(self) -> builtins.type[Any]:
        """Return the implementation class, turning import failures into a fix."""
        try:
            return self.implementation_class
        except MissingDependencyError:
            raise
        except ImportError as exc:
            raise missing_dependency_error(self.name, self.integration, exc) from exc


def missing_dependency_error(
    flavor_name: str, integration: str | None, exc: ImportError
) -> MissingDependencyError:
    """Build the one-line error for a flavor whose implementation cannot be imported."""
    missing = exc.name or str(exc)
    if integration:
        fix = f"run: cargohold integration install {integration}"
    else:
        root = missing.split(".")[0]
        fix = f"install the distribution that provides {root!r} (for example: pip install {root})"
    error = MissingDependencyError(
        f"flavor {flavor_name!r} cannot load its implementation: module {missing!r} "
        f"is not available; {fix}",
        name=exc.name,
    )
    return error


def describe_validation_error(exc: Any, model: type[BaseModel]) -> str:
    """Fold a pydantic ``ValidationError`` into one line naming each bad field."""
    problems: list[str] = []
    for error in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in error["loc"]) or "config"
        if error["type"] == "extra_forbidden":
            accepted = ", ".join(sorted(model.model_fields))
            problems.append(f"unknown field {field!r} (accepted: {accepted})")
        elif error["type"] == "missing":
            problems.append(f"{field}: required")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{field}: {message}")
    return "; ".join(problems)


def checked_flavor(obj: Any, what: str) -> Flavor:
    """An instance of the flavor class ``obj`` once it passes the checks every flavor
    passes, whatever brought it (a plugin's hook or a repository); ``what`` names it
    in the one-line error otherwise."""
    from pydantic import BaseModel

    if not (isinstance(obj, type) and issubclass(obj, Flavor)):
        raise CargoholdError(
            f"{what} is not a flavor class: not a subclass of cargohold.Flavor; subclass "
            "cargohold.BaseArtifactStoreFlavor"
        )
    flavor = obj()
    if not isinstance(flavor.name, str) or not flavor.name:
        raise CargoholdError(
            f"{what}: flavor class {obj.__qualname__} has an empty or non-string name"
        )
    component_type = StackComponentType(flavor.type)
    config_class = flavor.config_class
    if not (isinstance(config_class, type) and issubclass(config_class, BaseModel)):
        raise CargoholdError(f"{what}: config_class must be a pydantic model class")
    if component_type is StackComponentType.ARTIFACT_STORE and not getattr(
        config_class, "SUPPORTED_SCHEMES", None
    ):
        raise CargoholdError(f"{what}: its config class must set SUPPORTED_SCHEMES")
    return flavor


@dataclass(frozen=True)
class RegisteredFlavor:
    """A flavor instance and the plugin that registered it."""

    flavor: Flavor
    plugin: str

    @property
    def key(self) -> tuple[StackComponentType, str]:
        return (self.flavor.type, self.flavor.name)


class FlavorRegistry:
    """Flavors by (type, name). Built by the plugin host; read-only for callers."""

    def __init__(self, entries: Mapping[tuple[StackComponentType, str], RegisteredFlavor]):
        self._entries = MappingProxyType(dict(entries))

    @property
    def entries(self) -> Mapping[tuple[StackComponentType, str], RegisteredFlavor]:
        return self._entries

    def __iter__(self) -> Iterator[RegisteredFlavor]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.key[0].value, e.key[1])))

    def __len__(self) -> int:
        return len(self._entries)

    def list(self, component_type: StackComponentType | None = None) -> list[RegisteredFlavor]:
        return [
            entry for entry in self if component_type is None or entry.flavor.type == component_type
        ]

    def get(
        self, name: str, component_type: StackComponentType = StackComponentType.ARTIFACT_STORE
    ) -> Flavor:
        entry = self._entries.get((component_type, name))
        if entry is None:
            available = ", ".join(e.flavor.name for e in self.list(component_type)) or "none"
            raise FlavorNotFoundError(
                f"unknown {component_type} flavor {name!r}; available: {available} "
                f"(`cargohold artifact-store flavor list` shows them all)"
            )
        return entry.flavor
