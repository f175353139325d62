"""The integrations service: the catalog, requirement lines, exports, and installs and
uninstalls through pip or uv.

It needs one thing from the plugin host: what installed plugins registered through
``cargohold_integrations``. It is given as a callable and asked only when a method
needs the catalog, so building the service loads no plugin.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

# The module, not its names: tests replace ``integrations.installed_version``.
from cargohold import integrations
from cargohold.errors import CargoholdError

if TYPE_CHECKING:
    from cargohold.installer import InstallPlan, UninstallPlan
    from cargohold.integrations import Integration, IntegrationStatus

# ``cargohold.installer`` is imported inside the methods that run pip or uv: listing and
# printing requirements do without subprocess, tempfile and the rest.


class Integrations:
    """Integrations known here, installed or not, and the changes that install or remove them.

    ``registered`` returns the integrations that installed plugins registered, by name.
    """

    def __init__(self, registered: Callable[[], Mapping[str, Integration]]) -> None:
        self._registered = registered

    def catalog(self) -> dict[str, Integration]:
        """The catalog: first-party integrations and those installed plugins register."""
        return integrations.catalog(self._registered())

    def list(self) -> builtins.list[IntegrationStatus]:
        """Every integration in the catalog, installed or not, with its requirements' state."""
        return [integrations.status(integration) for integration in self.catalog().values()]

    def requirements(self, names: Sequence[str]) -> builtins.list[str]:
        """pip-ready requirement lines for the named integrations."""
        lines: builtins.list[str] = []
        for integration in integrations.select(self.catalog(), names):
            lines += integrations.requirement_lines(integration)
        return builtins.list(dict.fromkeys(lines))

    def export_requirements(
        self, names: Sequence[str] = (), lock: bool = False, shown_command: str = ""
    ) -> str:
        """The core, pinned to this version, and the named integrations (default: the
        installed ones); with ``lock``, every package pinned with hashes by pip-compile."""
        from cargohold.installer import lock as pip_compile

        if not names:
            names = [row.integration.name for row in self.list() if row.installed]
        lines = [integrations.core_requirement(), *self.requirements(names)]
        if lock:
            return pip_compile(lines, shown_command or "cargohold integration export-requirements")
        return "".join(f"{line}\n" for line in lines)

    def plan_install(
        self,
        names: Sequence[str],
        *,
        use_uv: bool = False,
        upgrade: bool = False,
        force: bool = False,
    ) -> InstallPlan:
        """Resolve the install without changing anything (the preflight)."""
        from cargohold.installer import plan_install, preflight_possible

        selected = integrations.select(self.catalog(), names)
        return plan_install(
            self.requirements(names),
            [integration.distribution for integration in selected],
            use_uv=use_uv,
            upgrade=upgrade,
            # Only --force may go ahead where the preflight cannot run (pip too old).
            preflight=not force or preflight_possible(),
        )

    def install(self, plan: InstallPlan, force: bool = False) -> None:
        """Run a planned install; refused when it would change installed packages,
        unless ``force``."""
        from cargohold.installer import refusal, run

        if plan.changes and not force:
            raise refusal(plan.changes)
        run(plan.command)

    def plan_uninstall(self, names: Sequence[str], *, use_uv: bool = False) -> UninstallPlan:
        """Which distributions an uninstall removes: only the integrations' own."""
        from cargohold.installer import UninstallPlan, choose_tool, uninstall_command

        core = integrations.CORE_DISTRIBUTION
        selected = integrations.select(self.catalog(), names)
        for integration in selected:
            if integrations.canonical(integration.distribution) == core:
                raise CargoholdError(
                    f"integration {integration.name!r} is provided by {core} "
                    "itself, which `cargohold integration uninstall` does not remove"
                )
        distributions = [integration.distribution for integration in selected]
        present = tuple(d for d in distributions if integrations.installed_version(d) is not None)
        absent = tuple(d for d in distributions if d not in present)
        tool = choose_tool(use_uv)
        command = tuple(uninstall_command(tool, present)) if present else ()
        return UninstallPlan(tool, command, present, absent)

    def uninstall(self, plan: UninstallPlan) -> None:
        """Run a planned uninstall; nothing to run when none of it is installed."""
        from cargohold.installer import run

        if plan.distributions:
            run(plan.command)
