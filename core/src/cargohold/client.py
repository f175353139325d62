"""``Client``: the Python API behind every command.

It validates, then writes: a bad name, flavor, field or value raises a one-line
``CargoholdError`` before anything touches the state database.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargohold.errors import CargoholdError, FlavorNotFoundError
from cargohold.flavors import Flavor, StackComponentType
from cargohold.registry.records import ComponentRecord, FlavorRecord, StackRecord
from cargohold.registry.store import ACTIVE_STACK, NotFoundError, Registry

if TYPE_CHECKING:
    import sqlite3

    from cargohold.artifacts.service import Artifacts
    from cargohold.connectors import Connectors
    from cargohold.installer import InstallPlan, UninstallPlan
    from cargohold.integrations import Integration, IntegrationStatus
    from cargohold.plugins import PluginHost
    from cargohold.secrets import Secrets
    from cargohold.stores.base import BaseArtifactStore
    from cargohold.verify import VerifyReport

ARTIFACT_STORE = StackComponentType.ARTIFACT_STORE
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DEFAULT = "default"


def check_name(kind: str, name: str) -> str:
    if not _NAME.match(name or ""):
        raise CargoholdError(
            f"invalid {kind} name {name!r}: use 1-64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit"
        )
    return name


class Client:
    """Registered stores, stacks and flavors, and ready-to-use store instances."""

    def __init__(self, config_dir: Path | None = None, plugins: PluginHost | None = None):
        from cargohold.settings import config_dir as default_config_dir

        self.config_dir = Path(config_dir) if config_dir else default_config_dir()
        self._plugins = plugins
        self._explicit_plugins = plugins is not None
        self.registry = Registry(self.config_dir, defaults=self._create_defaults)
        self._stores: dict[tuple[str, str, str], BaseArtifactStore] = {}
        self._secrets: Secrets | None = None
        self._connectors: Connectors | None = None

    @property
    def artifacts(self) -> Artifacts:
        """Save, load, list, delete and copy artifacts (see ``cargohold.artifacts``)."""
        from cargohold.artifacts.service import Artifacts

        return Artifacts(self)

    @property
    def plugins(self) -> PluginHost:
        if self._plugins is None:
            from cargohold.plugins import load_plugins

            self._plugins = load_plugins()
        return self._plugins

    @property
    def secrets(self) -> Secrets:
        """Secrets: create, get, list, describe, update, rename, delete."""
        if self._secrets is None:
            from cargohold.secrets import Secrets

            self._secrets = Secrets(self)
        return self._secrets

    @property
    def connectors(self) -> Connectors:
        """Service connectors: ``register``, ``verify``, ``list_resources``, ``connect``, ..."""
        if self._connectors is None:
            from cargohold.connectors import Connectors

            self._connectors = Connectors(self)
        return self._connectors

    def _catalog_entry(
        self, component_type: StackComponentType, name: str
    ) -> dict[str, Any] | None:
        """A plugin flavor's cached row, description and fields (see ``flavor_catalog``)."""
        catalog = self._flavor_catalog()
        return None if catalog is None else catalog.get(f"{component_type.value}:{name}")

    def _flavor_catalog(self) -> dict[str, Any] | None:
        # A host passed in by the caller is theirs to describe; only the installed
        # plugins are cached.
        if self._explicit_plugins:
            return None
        from cargohold import flavor_catalog

        def build() -> tuple[dict[str, Any], set[str]]:
            from cargohold.describe import build_flavor_catalog

            return build_flavor_catalog(self.plugins)

        return flavor_catalog.get_or_build(self.config_dir, build)

    def _create_defaults(self, connection: sqlite3.Connection) -> None:
        """A new state database starts with a `default` local store in a `default` stack."""
        root = self.config_dir / "local_stores" / DEFAULT
        store_id = self.registry.add_component(
            connection, ARTIFACT_STORE.value, DEFAULT, "local", {"path": str(root)}
        )
        stack_id = self.registry.add_stack(connection, DEFAULT, {ARTIFACT_STORE.value: store_id})
        self.registry.set_setting(connection, ACTIVE_STACK, stack_id)

    # -- flavors ----------------------------------------------------------------------

    def flavor(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> Flavor:
        """A flavor from a plugin, else a custom flavor registered from a repository."""
        try:
            return self.plugins.flavors.get(name, component_type)
        except FlavorNotFoundError:
            pass
        for record in self.registry.flavors(component_type.value):
            if record.name == name:
                return self._load_custom_flavor(record)
        known = [e.flavor.name for e in self.plugins.flavors.list(component_type)]
        known += [r.name for r in self.registry.flavors(component_type.value)]
        broken = [p.name for p in self.plugins.plugins if p.status.value == "broken"]
        hint = "`cargohold artifact-store flavor list` shows them all"
        if broken:
            hint += (
                f"; plugins that failed to load: {', '.join(sorted(broken))}"
                " (`cargohold plugins list` says why)"
            )
        raise FlavorNotFoundError(
            f"unknown {component_type} flavor {name!r}; available: {', '.join(sorted(known))} "
            f"({hint})"
        )

    def _load_custom_flavor(self, record: FlavorRecord) -> Flavor:
        from cargohold.repository import import_dotted, source_root

        roots = list(dict.fromkeys([source_root(), Path(record.root)]))
        error: CargoholdError | None = None
        for root in roots:
            try:
                flavor_class = import_dotted(record.source, root)
                return _checked_flavor(flavor_class, record.source)
            except CargoholdError as exc:
                error = exc
        assert error is not None
        raise CargoholdError(f"custom flavor {record.name!r} is broken: {error}") from None

    def list_flavors(
        self, component_type: StackComponentType = ARTIFACT_STORE
    ) -> list[dict[str, Any]]:
        catalog = self._flavor_catalog()
        if catalog is not None:
            prefix = f"{component_type.value}:"
            rows = [dict(e["row"]) for key, e in catalog.items() if key.startswith(prefix)]
        else:
            from cargohold.describe import flavor_row

            host = self.plugins
            rows = [flavor_row(host, entry) for entry in host.flavors.list(component_type)]
        for record in self.registry.flavors(component_type.value):
            row: dict[str, Any] = {
                "name": record.name,
                "type": record.type,
                "schemes": [],
                "integration": None,
                "plugin": f"repository ({record.source})",
                "dependencies": "ready",
            }
            try:
                flavor = self._load_custom_flavor(record)
                row["schemes"] = sorted(
                    s or "<path>" for s in getattr(flavor.config_class, "SUPPORTED_SCHEMES", ())
                )
                row["integration"] = flavor.integration
            except CargoholdError as exc:
                row["dependencies"] = f"broken: {exc}"
            rows.append(row)
        return sorted(rows, key=lambda r: str(r["name"]))

    def describe_flavor(
        self, name: str, component_type: StackComponentType = ARTIFACT_STORE
    ) -> dict[str, Any]:
        cached = self._catalog_entry(component_type, name)
        if cached is not None and cached["description"] is not None:
            return copy.deepcopy(cached["description"])
        from cargohold.describe import config_fields, describe_flavor

        host = self.plugins
        entry = host.flavors.entries.get((component_type, name))
        if entry is not None:
            return describe_flavor(host, entry)
        flavor = self.flavor(name, component_type)
        record = next(r for r in self.registry.flavors(component_type.value) if r.name == name)
        return {
            "name": flavor.name,
            "type": component_type.value,
            "schemes": sorted(s or "<path>" for s in flavor.config_class.SUPPORTED_SCHEMES),  # type: ignore[attr-defined]
            "integration": flavor.integration,
            "plugin": f"repository ({record.source})",
            "dependencies": "checked on first use",
            "source": record.source,
            "root": record.root,
            "implementation": type(flavor).implementation or "implementation_class property",
            "docs_url": flavor.docs_url,
            "config": config_fields(flavor.config_class),
        }

    def register_flavor(self, source: str) -> FlavorRecord:
        """Register a flavor class from the repository by dotted path, without importing
        its implementation."""
        from cargohold.repository import import_dotted, source_root

        root = source_root()
        flavor = _checked_flavor(import_dotted(source, root), source)
        if flavor.type is not ARTIFACT_STORE:
            raise CargoholdError(f"{source} is a {flavor.type} flavor; only artifact_store for now")
        taken = self.plugins.flavors.entries.get((flavor.type, flavor.name))
        if taken is not None:
            raise CargoholdError(
                f"flavor name {flavor.name!r} is provided by plugin {taken.plugin!r}; "
                "give your flavor another name"
            )
        schema = flavor.config_class.model_json_schema()
        with self.registry.db.write() as connection:
            self.registry.add_flavor(
                connection, flavor.type.value, flavor.name, source, str(root), schema
            )
        return next(r for r in self.registry.flavors(flavor.type.value) if r.name == flavor.name)

    def delete_flavor(self, name: str, component_type: StackComponentType = ARTIFACT_STORE) -> None:
        with self.registry.db.write() as connection:
            users = connection.execute(
                "SELECT name FROM components WHERE type = ? AND flavor = ? ORDER BY name",
                (component_type.value, name),
            ).fetchall()
            if users:
                names = ", ".join(row["name"] for row in users)
                raise CargoholdError(
                    f"flavor {name!r} is used by {component_type} {names}; delete those first"
                )
            if not self.registry.delete_flavor(connection, component_type.value, name):
                raise NotFoundError(
                    f"no custom flavor named {name!r}; flavors from plugins go away when the "
                    "plugin is uninstalled"
                )

    # -- artifact stores ----------------------------------------------------------------

    def register_artifact_store(
        self, name: str, flavor: str, config: Mapping[str, Any]
    ) -> ComponentRecord:
        """Validate offline and record. Warns about secrets given in plain text and
        about referenced secrets that do not exist yet."""
        from cargohold.errors import warn
        from cargohold.store_config import check_store_values

        check_name("artifact store", name)
        flavor_object = self.flavor(flavor)
        _, stored, warnings = check_store_values(
            self, flavor_object, config, f"artifact store {name!r}"
        )
        with self.registry.db.write() as connection:
            self.registry.add_component(
                connection, ARTIFACT_STORE.value, name, flavor_object.name, stored
            )
        warn(warnings)
        return self.registry.component(ARTIFACT_STORE.value, name)

    def artifact_store_record(self, name: str) -> ComponentRecord:
        return self.registry.component(ARTIFACT_STORE.value, name)

    def list_artifact_stores(self) -> list[ComponentRecord]:
        return self.registry.components(ARTIFACT_STORE.value)

    def artifact_store_overview(self) -> list[dict[str, Any]]:
        """Name, flavor, path and using stacks of every store: what `list` shows."""
        using = self.registry.stacks_by_component(self.registry.db.read())
        return [
            {"name": name, "flavor": flavor, "path": path, "stacks": using.get(store_id, [])}
            for store_id, name, flavor, path in self.registry.component_paths(ARTIFACT_STORE.value)
        ]

    def stacks_using(self, record: ComponentRecord) -> list[str]:
        return self.registry.stacks_using(self.registry.db.read(), record.id)

    def describe_artifact_store(self, name: str) -> dict[str, Any]:
        """The record with secret fields masked, and the stacks that use it."""
        record = self.artifact_store_record(name)
        cached = self._catalog_entry(ARTIFACT_STORE, record.flavor)
        shown = None
        if cached is not None:
            from cargohold.flavor_catalog import shown_config

            shown = shown_config(cached["fields"], record.config)
        if shown is None:
            try:
                config = self.flavor(record.flavor).validate_config(record.config)
                shown = config.model_dump(mode="json", exclude_none=True)
            except CargoholdError as exc:
                shown = {key: "(hidden: flavor unavailable)" for key in record.config}
                shown["error"] = str(exc)
        # A reference is not secret: shown as written, also in secret fields. The text
        # check spares a config without references the import of the secrets machinery.
        if "{{" in json.dumps(record.config):
            from cargohold.store_config import with_references

            with_references(shown, record.config)
        return {
            "name": record.name,
            "id": record.id,
            "flavor": record.flavor,
            "config": shown,
            "stacks": self.stacks_using(record),
            "connector": None
            if record.connector is None
            else self.connectors.name_of(record.connector),
            "created": record.created,
            "updated": record.updated,
        }

    def update_artifact_store(self, name: str, changes: Mapping[str, Any]) -> ComponentRecord:
        """Merge ``changes`` into the stored config (``None`` unsets a field), validated."""
        from cargohold.errors import warn
        from cargohold.store_config import check_store_values

        record = self.artifact_store_record(name)
        merged = {**record.config, **changes}
        merged = {key: value for key, value in merged.items() if value is not None}
        where = f"artifact store {name!r}"
        _, stored, warnings = check_store_values(self, self.flavor(record.flavor), merged, where)
        with self.registry.db.write() as connection:
            self.registry.update_component(connection, record.id, stored)
        warn(warnings)
        return self.artifact_store_record(name)

    def rename_artifact_store(self, old: str, new: str) -> ComponentRecord:
        check_name("artifact store", new)
        record = self.artifact_store_record(old)
        with self.registry.db.write() as connection:
            self.registry.rename_component(connection, record, new)
        return self.artifact_store_record(new)

    def delete_artifact_store(self, name: str) -> None:
        record = self.artifact_store_record(name)
        with self.registry.db.write() as connection:
            stacks = self.registry.stacks_using(connection, record.id)
            if stacks:
                raise CargoholdError(
                    f"artifact store {name!r} is used by stack {', '.join(stacks)}; point the "
                    f"stack at another store (`cargohold stack update {stacks[0]} -a OTHER`) "
                    "or delete the stack first"
                )
            from cargohold.registry import artifacts as artifact_records

            held = artifact_records.count_in_store(connection, record.id)
            if held:
                raise CargoholdError(
                    f"artifact store {name!r} holds {held} artifact version(s); move them with "
                    f"`cargohold artifact-store copy {name} OTHER` or delete them first"
                )
            self.registry.delete_component(connection, record.id)

    def get_artifact_store(self, name: str | None = None) -> BaseArtifactStore:
        """A ready store: the named one, or the active stack's. Nothing is contacted yet.

        Its credentials are looked up now (connector, secrets), so a rotated secret
        is used from the next call on."""
        from cargohold.store_config import config_for_use, fingerprint

        record = self.artifact_store_record(name) if name else self._active_store_record()
        flavor = self.flavor(record.flavor)
        config = config_for_use(self, record, flavor)
        key = (record.id, record.updated, fingerprint(config))
        store = self._stores.get(key)
        if store is None:
            store = flavor.create_store(config, name=record.name)  # type: ignore[attr-defined]
            self._stores[key] = store
        return store

    def _active_store_record(self) -> ComponentRecord:
        stack = self.active_stack()
        store = stack.components.get(ARTIFACT_STORE.value)
        if store is None:
            raise CargoholdError(f"stack {stack.name!r} has no artifact store")
        return self.artifact_store_record(store)

    def verify_artifact_store(self, name: str) -> VerifyReport:
        """Resolve credentials, then write, read, list and delete a probe object."""
        from cargohold.verify import verify_store

        self.artifact_store_record(name)  # an unknown name is an error, not a failed step
        return verify_store(name, lambda: self.get_artifact_store(name))

    # -- stacks -------------------------------------------------------------------------

    def register_stack(
        self, name: str, artifact_store: str, set_active: bool = False
    ) -> StackRecord:
        check_name("stack", name)
        store = self.artifact_store_record(artifact_store)
        with self.registry.db.write() as connection:
            stack_id = self.registry.add_stack(connection, name, {ARTIFACT_STORE.value: store.id})
            if set_active:
                self.registry.set_setting(connection, ACTIVE_STACK, stack_id)
        return self.registry.stack(name)

    def list_stacks(self) -> list[StackRecord]:
        return self.registry.stacks()

    def stack(self, name: str) -> StackRecord:
        return self.registry.stack(name)

    def active_stack(self) -> StackRecord:
        stack = self.registry.active_stack()
        if stack is None:
            raise CargoholdError("no active stack; choose one with `cargohold stack set NAME`")
        return stack

    def set_active_stack(self, name: str) -> StackRecord:
        with self.registry.db.write() as connection:
            stack = self.registry.stack(name, connection)
            self.registry.set_setting(connection, ACTIVE_STACK, stack.id)
        return self.registry.stack(name)

    def update_stack(self, name: str, artifact_store: str) -> StackRecord:
        store = self.artifact_store_record(artifact_store)
        with self.registry.db.write() as connection:
            stack = self.registry.stack(name, connection)
            self.registry.set_stack_components(
                connection, stack.id, {ARTIFACT_STORE.value: store.id}
            )
        return self.registry.stack(name)

    def delete_stack(self, name: str) -> None:
        with self.registry.db.write() as connection:
            stack = self.registry.stack(name, connection)
            if stack.active:
                raise CargoholdError(
                    f"stack {name!r} is the active stack; switch first with "
                    "`cargohold stack set OTHER`"
                )
            self.registry.delete_stack(connection, stack.id)

    def export_stack(self, name: str) -> tuple[dict[str, Any], list[str]]:
        """The stack as plain data, and the secret fields left out of it."""
        from cargohold.stack_files import export_stack

        return export_stack(self, self.stack(name))

    def import_stack(self, data: Any, name: str | None = None) -> StackRecord:
        from cargohold.stack_files import import_stack

        return import_stack(self, data, name)

    # -- integrations -------------------------------------------------------------------

    def integrations(self) -> dict[str, Integration]:
        """The catalog: first-party integrations and those installed plugins register."""
        from cargohold.integrations import catalog

        return catalog(self.plugins.integrations)

    def list_integrations(self) -> list[IntegrationStatus]:
        """Every integration in the catalog, installed or not, with its requirements' state."""
        from cargohold.integrations import status

        return [status(integration) for integration in self.integrations().values()]

    def integration_requirements(self, names: Sequence[str]) -> list[str]:
        """pip-ready requirement lines for the named integrations."""
        from cargohold.integrations import requirement_lines, select

        lines: list[str] = []
        for integration in select(self.integrations(), names):
            lines += requirement_lines(integration)
        return list(dict.fromkeys(lines))

    def export_integration_requirements(
        self, names: Sequence[str] = (), lock: bool = False, shown_command: str = ""
    ) -> str:
        """The core, pinned to this version, and the named integrations (default: the
        installed ones); with ``lock``, every package pinned with hashes by pip-compile."""
        from cargohold.installer import lock as pip_compile
        from cargohold.integrations import core_requirement

        if not names:
            names = [row.integration.name for row in self.list_integrations() if row.installed]
        lines = [core_requirement(), *self.integration_requirements(names)]
        if lock:
            return pip_compile(lines, shown_command or "cargohold integration export-requirements")
        return "".join(f"{line}\n" for line in lines)

    def plan_integration_install(
        self,
        names: Sequence[str],
        *,
        use_uv: bool = False,
        upgrade: bool = False,
        force: bool = False,
    ) -> InstallPlan:
        """Resolve the install without changing anything (the preflight)."""
        from cargohold.installer import plan_install, preflight_possible
        from cargohold.integrations import select

        integrations = select(self.integrations(), names)
        return plan_install(
            self.integration_requirements(names),
            [integration.distribution for integration in integrations],
            use_uv=use_uv,
            upgrade=upgrade,
            # Only --force may go ahead where the preflight cannot run (pip too old).
            preflight=not force or preflight_possible(),
        )

    def install_integrations(self, plan: InstallPlan, force: bool = False) -> None:
        """Run a planned install; refused when it would change installed packages,
        unless ``force``."""
        from cargohold.installer import refusal, run

        if plan.changes and not force:
            raise refusal(plan.changes)
        run(plan.command)

    def plan_integration_uninstall(
        self, names: Sequence[str], *, use_uv: bool = False
    ) -> UninstallPlan:
        """Which distributions an uninstall removes: only the integrations' own."""
        from cargohold.installer import UninstallPlan, choose_tool, uninstall_command
        from cargohold.integrations import CORE_DISTRIBUTION, canonical, installed_version, select

        integrations = select(self.integrations(), names)
        for integration in integrations:
            if canonical(integration.distribution) == CORE_DISTRIBUTION:
                raise CargoholdError(
                    f"integration {integration.name!r} is provided by {CORE_DISTRIBUTION} "
                    "itself, which `cargohold integration uninstall` does not remove"
                )
        distributions = [i.distribution for i in integrations]
        present = tuple(d for d in distributions if installed_version(d) is not None)
        absent = tuple(d for d in distributions if d not in present)
        tool = choose_tool(use_uv)
        command = tuple(uninstall_command(tool, present)) if present else ()
        return UninstallPlan(tool, command, present, absent)

    def uninstall_integrations(self, plan: UninstallPlan) -> None:
        from cargohold.installer import run

        if plan.distributions:
            run(plan.command)


def _checked_flavor(flavor_class: Any, source: str) -> Flavor:
    from pydantic import BaseModel

    if not (isinstance(flavor_class, type) and issubclass(flavor_class, Flavor)):
        raise CargoholdError(
            f"{source} is not a flavor class; subclass cargohold.BaseArtifactStoreFlavor"
        )
    flavor = flavor_class()
    config_class = flavor.config_class
    if not (isinstance(config_class, type) and issubclass(config_class, BaseModel)):
        raise CargoholdError(f"{source}: config_class must be a pydantic model class")
    if flavor.type is ARTIFACT_STORE and not getattr(config_class, "SUPPORTED_SCHEMES", None):
        raise CargoholdError(f"{source}: its config class must set SUPPORTED_SCHEMES")
    return flavor
