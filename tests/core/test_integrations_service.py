"""The integrations service on its own: built from a callable returning what plugins
registered, with no Client, no plugin host and no pip."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from cargohold import installer, integrations
from cargohold.errors import CargoholdError, UnknownIntegrationError
from cargohold.installer import InstallPlan, UninstallPlan
from cargohold.integrations import Integration
from cargohold.integrations_service import Integrations

ACME = Integration(name="acme", distribution="acme-cargohold", requirements=("lib<2",))


class Registered:
    """What the plugins registered, counting how often the service asks."""

    def __init__(self, *registered: Integration) -> None:
        self.known = {integration.name: integration for integration in registered}
        self.calls = 0

    def __call__(self) -> Mapping[str, Integration]:
        self.calls += 1
        return self.known


@pytest.fixture
def versions(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    installed = {"cargohold": "0.3.2"}
    monkeypatch.setattr(integrations, "installed_version", installed.get)
    return installed


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    commands: list[tuple[str, ...]] = []
    monkeypatch.setattr(installer, "run", lambda command: commands.append(tuple(command)))
    return commands


def test_building_the_service_asks_the_plugins_nothing() -> None:
    registered = Registered(ACME)
    service = Integrations(registered)
    assert registered.calls == 0
    assert list(service.catalog()) == ["acme", "azure", "gcp", "s3"]
    assert registered.calls == 1


def test_list_rows_say_what_is_installed(versions: dict[str, str]) -> None:
    versions["acme-cargohold"] = "1.0"
    rows = {row.integration.name: row for row in Integrations(Registered(ACME)).list()}
    assert list(rows) == ["acme", "azure", "gcp", "s3"]
    assert (rows["acme"].installed_version, rows["acme"].extra) == ("1.0", None)
    assert rows["s3"].extra == "cargohold[s3]" and not rows["s3"].installed


def test_requirements_and_export(versions: dict[str, str]) -> None:
    service = Integrations(Registered(ACME))
    assert service.requirements(["s3", "acme", "s3"]) == [
        "cargohold-s3>=0.3,<1",
        "acme-cargohold",
        "lib<2",
    ]
    versions["acme-cargohold"] = "1.0"
    assert service.export_requirements() == "cargohold==0.3.2\nacme-cargohold>=1.0,<2\nlib<2\n"


def test_unknown_names_raise(versions: dict[str, str]) -> None:
    with pytest.raises(UnknownIntegrationError, match="unknown integration 'nope'"):
        Integrations(Registered()).requirements(["nope"])


def test_install_refuses_changes_unless_forced(ran: list[tuple[str, ...]]) -> None:
    change = installer.Change("packaging", "24.1", "23.2")
    plan = InstallPlan("pip", ("pip", "install", "x"), ("x",), changes=(change,))
    service = Integrations(Registered())
    with pytest.raises(installer.InstallError):
        service.install(plan)
    assert ran == []
    service.install(plan, force=True)
    assert ran == [("pip", "install", "x")]


def test_uninstall_plans_only_what_is_installed(
    versions: dict[str, str], ran: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(installer, "choose_tool", lambda use_uv: "pip")
    versions["cargohold-gcp"] = "0.3.2"
    service = Integrations(Registered())
    plan = service.plan_uninstall(["gcp", "azure"])
    assert (plan.distributions, plan.absent) == (("cargohold-gcp",), ("cargohold-azure",))
    service.uninstall(plan)
    assert ran == [plan.command]
    service.uninstall(UninstallPlan("pip", (), (), ("cargohold-azure",)))
    assert ran == [plan.command]


def test_uninstall_refuses_the_core() -> None:
    service = Integrations(Registered(Integration(name="core", distribution="cargohold")))
    with pytest.raises(CargoholdError, match="does not remove"):
        service.plan_uninstall(["core"])
