"""``Client``: the composition root, and the Python API behind every command.

It builds each service with the narrow collaborators that service needs, and
exposes them: ``flavors``, ``stores``, ``stacks``, ``secrets``, ``connectors``,
``artifacts`` and ``integration_service``. The methods below them (``register_artifact_store``,
``get_artifact_store``, ...) are the established names of the same calls, one line
each; no logic lives here. Services are built on first use, so a command pays only
for what it touches.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.flavor_service import Flavors
from cargohold.flavors import Flavor, StackComponentType
from cargohold.registry.components import ACTIVE_STACK, Registry
from cargohold.registry.records import ComponentRecord, FlavorRecord, StackRecord
from cargohold.stacks import Stacks
from cargohold.store_service import ArtifactStores

if TYPE_CHECKING:
    import sqlite3

    from cargohold.artifacts.service import Artifacts
    from cargohold.connectors.service import Connectors
    from cargohold.installer import InstallPlan, UninstallPlan
    from cargohold.integrations import Integration, IntegrationStatus
    from cargohold.integrations_service import Integrations
    from cargohold.plugins import PluginHost
    from cargohold.registry.credentials import CredentialRecords
    from cargohold.secrets.resolution import ConfigResolver
    from cargohold.secrets.service import Secrets
    from cargohold.stores.base import BaseArtifactStore
    from cargohold.verify import VerifyReport

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
DEFAULT = "default"


class Client:
    """Registered stores, stacks, flavors, secrets, connectors and artifacts."""

    def __init__(self, config_dir: Path | None = None, plugins: PluginHost | None = None):
        from cargohold.settings import config_dir as default_config_dir

        self.config_dir = Path(config_dir) if config_dir else default_config_dir()
        self._plugins = plugins
        self.registry = Registry(self.config_dir, defaults=self._create_defaults)
        # A host passed in by the caller is theirs to describe: only the installed
        # plugins' flavors are cached.
        cache_dir = None if plugins is not None else self.config_dir
        self.flavors = Flavors(lambda: self.plugins, self.registry, cache_dir)
        self.stacks = Stacks(
            self.registry, self.flavors, lambda: self.resolver, lambda: self.credential_records
        )
        self.stores = ArtifactStores(
            self.registry,
            self.flavors,
            lambda: self.resolver,
            lambda connector_id: self.credential_records.connector_by_id(connector_id).name,
            self.stacks.active_store,
        )

    @property
    def plugins(self) -> PluginHost:
        if self._plugins is None:
            from cargohold.plugins import load_plugins

            self._plugins = load_plugins()
        return self._plugins

    @functools.cached_property
    def credential_records(self) -> CredentialRecords:
        from cargohold.registry.credentials import CredentialRecords

        return CredentialRecords(self.registry)

    @functools.cached_property
    def secrets(self) -> Secrets:
        """Secrets: create, get, list, describe, update, rename, delete."""
        from cargohold.secrets.service import Secrets

        return Secrets(self.credential_records, self.stores.configs)

    @functools.cached_property
    def connectors(self) -> Connectors:
        """Service connectors: ``register``, ``verify``, ``list_resources``, ``connect``, ..."""
        from cargohold.connectors.service import Connectors

        return Connectors(
            self.credential_records,
            lambda: self.plugins.connector_types,
            self.secrets.lookup,
            self.flavors.get,
            self.stores.record,
        )

    @functools.cached_property
    def resolver(self) -> ConfigResolver:
        """Checks configs against the secrets they refer to; builds configs for use."""
        from cargohold.secrets.resolution import ConfigResolver

        return ConfigResolver(self.secrets.lookup, self.connectors.connector_fields)

    @functools.cached_property
    def integration_service(self) -> Integrations:
        """The integration catalog, and installs and uninstalls through pip or uv."""
        from cargohold.integrations_service import Integrations

        return Integrations(lambda: self.plugins.integrations)

    @functools.cached_property
    def artifacts(self) -> Artifacts:
        """Save, load, list, delete and copy artifacts (see ``cargohold.artifacts``)."""
        from cargohold.artifacts.service import Artifacts

        return Artifacts(
            self.registry,
            self.stores,
            lambda: self.plugins.materializers,
            self.config_dir / "cache" / "manifests",
        )

    def _create_defaults(self, connection: sqlite3.Connection) -> None:
        """A new state database starts with a `default` local store in a `default` stack."""
        root = self.config_dir / "local_stores" / DEFAULT
        store_id = self.registry.add_component(
            connection, ARTIFACT_STORE.value, DEFAULT, "local", {"path": str(root)}
        )
        stack_id = self.registry.add_stack(connection, DEFAULT, {ARTIFACT_STORE.value: store_id})
        self.registry.set_setting(connection, ACTIVE_STACK, stack_id)

    # -- flavors (``self.flavors``) -----------------------------------------------------

    def flavor(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> Flavor:
        return self.flavors.get(name, component_type)

    def list_flavors(
        self, component_type: StackComponentType = ARTIFACT_STORE
    ) -> list[dict[str, Any]]:
        return self.flavors.list(component_type)

    def describe_flavor(
        self, name: str, component_type: StackComponentType = ARTIFACT_STORE
    ) -> dict[str, Any]:
        return self.flavors.describe(name, component_type)

    def register_flavor(self, source: str) -> FlavorRecord:
        return self.flavors.register(source)

    def delete_flavor(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> None:
        self.flavors.delete(name, component_type)

    # -- artifact stores (``self.stores``) ----------------------------------------------

    def register_artifact_store(
        self, name: str, flavor: str, config: Mapping[str, Any]
    ) -> ComponentRecord:
        return self.stores.register(name, flavor, config)

    def artifact_store_record(self, name: str) -> ComponentRecord:
        return self.stores.record(name)

    def list_artifact_stores(self) -> list[ComponentRecord]:
        return self.stores.list()

    def artifact_store_overview(self) -> list[dict[str, Any]]:
        return self.stores.overview()

    def describe_artifact_store(self, name: str) -> dict[str, Any]:
        return self.stores.describe(name)

    def update_artifact_store(self, name: str, changes: Mapping[str, Any]) -> ComponentRecord:
        return self.stores.update(name, changes)

    def rename_artifact_store(self, old: str, new: str) -> ComponentRecord:
        return self.stores.rename(old, new)

    def delete_artifact_store(self, name: str) -> None:
        self.stores.delete(name)

    def get_artifact_store(self, name: str | None = None) -> BaseArtifactStore:
        return self.stores.get(name)

    def verify_artifact_store(self, name: str) -> VerifyReport:
        return self.stores.verify(name)

    # -- stacks (``self.stacks``) -------------------------------------------------------

    def register_stack(
        self, name: str, artifact_store: str, set_active: bool = False
    ) -> StackRecord:
        return self.stacks.register(name, artifact_store, set_active)

    def list_stacks(self) -> list[StackRecord]:
        return self.stacks.list()

    def stack(self, name: str) -> StackRecord:
        return self.stacks.get(name)

    def active_stack(self) -> StackRecord:
        return self.stacks.active()

    def set_active_stack(self, name: str) -> StackRecord:
        return self.stacks.set_active(name)

    def update_stack(self, name: str, artifact_store: str) -> StackRecord:
        return self.stacks.update(name, artifact_store)

    def delete_stack(self, name: str) -> None:
        self.stacks.delete(name)

    def export_stack(self, name: str) -> tuple[dict[str, Any], list[str]]:
        return self.stacks.export(name)

    def import_stack(self, data: Any, name: str | None = None) -> StackRecord:
        return self.stacks.import_(data, name)

    # -- integrations (``self.integration_service``) -------------------------------------

    def integrations(self) -> dict[str, Integration]:
        return self.integration_service.catalog()

    def list_integrations(self) -> list[IntegrationStatus]:
        return self.integration_service.list()

    def integration_requirements(self, names: Sequence[str]) -> list[str]:
        return self.integration_service.requirements(names)

    def export_integration_requirements(
        self, names: Sequence[str] = (), lock: bool = False, shown_command: str = ""
    ) -> str:
        return self.integration_service.export_requirements(names, lock, shown_command)

    def plan_integration_install(
        self,
        names: Sequence[str],
        *,
        use_uv: bool = False,
        upgrade: bool = False,
        force: bool = False,
    ) -> InstallPlan:
        return self.integration_service.plan_install(
            names, use_uv=use_uv, upgrade=upgrade, force=force
        )

    def install_integrations(self, plan: InstallPlan, force: bool = False) -> None:
        self.integration_service.install(plan, force)

    def plan_integration_uninstall(
        self, names: Sequence[str], *, use_uv: bool = False
    ) -> UninstallPlan:
        return self.integration_service.plan_uninstall(names, use_uv=use_uv)

    def uninstall_integrations(self, plan: UninstallPlan) -> None:
        self.integration_service.uninstall(plan)
