"""The integration catalog, requirement lines, and the install preflight, without pip.

pip and uv are replaced by canned answers here; tests/e2e/test_integration_install.py
runs them for real.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from click.testing import CliRunner

from cargohold import installer, integrations
from cargohold.cli import cli
from cargohold.client import Client
from cargohold.errors import UnknownIntegrationError
from cargohold.hookspecs import hookimpl
from cargohold.installer import Change, compare, parse_uv_plan, uv_config_args
from cargohold.integrations import (
    FIRST_PARTY,
    Integration,
    catalog,
    compatible_range,
    requirement_lines,
    select,
)
from cargohold.plugins import PluginHost

ACME = Integration(name="acme", distribution="acme-cargohold", flavors=("acme",))


def _plugin(*registered: Integration) -> types.ModuleType:
    module = types.ModuleType("integration_test_plugin")

    @hookimpl
    def cargohold_integrations(register: Any) -> None:
        for integration in registered:
            register(integration)

    module.cargohold_integrations = cargohold_integrations  # type: ignore[attr-defined]
    return module


@pytest.fixture
def client(tmp_path) -> Client:
    host = PluginHost(entry_points=lambda: [])
    host.register(_plugin(ACME), name="acme")
    return Client(config_dir=tmp_path, plugins=host)


@pytest.fixture
def versions(monkeypatch) -> dict[str, str]:
    """Installed distributions as the catalog sees them: only what the test puts here."""
    installed = {"cargohold": "0.3.2"}
    monkeypatch.setattr(integrations, "installed_version", installed.get)
    return installed


# -- catalog ------------------------------------------------------------------------------


def test_first_party_integrations_are_known_without_any_plugin() -> None:
    known = catalog({})
    assert list(known) == ["azure", "gcp", "s3"]
    assert known["s3"].distribution == "cargohold-s3"


def test_registered_integrations_extend_the_catalog_and_win_for_details() -> None:
    s3 = Integration(name="s3", distribution="cargohold-s3", description="from the plugin")
    known = catalog({"s3": s3, "acme": ACME})
    assert list(known) == ["acme", "azure", "gcp", "s3"]
    assert known["s3"].description == "from the plugin"


def test_client_catalog_merges_what_plugins_register(client: Client) -> None:
    assert set(client.integrations()) == {"acme", "azure", "gcp", "s3"}


def test_list_shows_installed_state_and_extras(client: Client, versions) -> None:
    versions["acme-cargohold"] = "1.0"
    rows = {row.integration.name: row.as_dict() for row in client.list_integrations()}
    assert rows["s3"]["installed"] is False and rows["s3"]["requirements"] == "-"
    assert rows["s3"]["extra"] == "cargohold[s3]"
    assert rows["acme"]["installed"] is True and rows["acme"]["extra"] is None


def test_unknown_names_raise_one_line_listing_the_known_ones() -> None:
    with pytest.raises(UnknownIntegrationError) as caught:
        select(catalog({}), ["s3", "nope", "nada"])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("unknown integrations 'nope', 'nada'; known: azure, gcp, s3")


# -- requirement lines --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("release", "expected"),
    [("0.1.0", ">=0.1,<1"), ("1.4.2", ">=1.4,<2"), ("2", ">=2.0,<3"), ("0.2.0+local", ">=0.2,<1")],
)
def test_compatible_range(release: str, expected: str) -> None:
    assert compatible_range(release) == expected


def test_first_party_not_installed_follows_the_core_version(versions) -> None:
    assert requirement_lines(FIRST_PARTY[2]) == ["cargohold-s3>=0.3,<1"]


def test_installed_integration_follows_its_own_version(versions) -> None:
    versions["cargohold-s3"] = "0.4.1"
    assert requirement_lines(FIRST_PARTY[2]) == ["cargohold-s3>=0.4,<1"]


def test_third_party_not_installed_is_unpinned_with_its_extra_requirements(versions) -> None:
    acme = Integration(name="acme", distribution="acme-cargohold", requirements=("lib<2",))
    assert requirement_lines(acme) == ["acme-cargohold", "lib<2"]


def test_requirements_command_prints_pip_ready_lines(monkeypatch, tmp_path, versions) -> None:
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["integration", "requirements", "s3", "gcp"])
    assert result.exit_code == 0, result.output
    assert result.output == "cargohold-s3>=0.3,<1\ncargohold-gcp>=0.3,<1\n"


def test_unknown_name_in_the_cli_is_one_line_and_exit_1(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["integration", "install", "nope", "-y"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: unknown integration 'nope'; known: ")


def test_export_pins_the_core_and_ranges_the_integrations(client: Client, versions) -> None:
    text = client.export_integration_requirements(["s3", "acme"])
    assert text == "cargohold==0.3.2\ncargohold-s3>=0.3,<1\nacme-cargohold\n"


def test_uninstall_refuses_the_core(tmp_path) -> None:
    host = PluginHost(entry_points=lambda: [])
    host.register(_plugin(Integration(name="core", distribution="cargohold")), name="core")
    with pytest.raises(Exception, match="does not remove"):
        Client(config_dir=tmp_path, plugins=host).plan_integration_uninstall(["core"])


# -- preflight ----------------------------------------------------------------------------

REPORT = {
    "version": "1",
    "install": [
        {
            "requested": True,
            "metadata": {
                "name": "acme-cargohold",
                "version": "1.0",
                "requires_dist": ["cargohold>=0.1,<1", "Packaging<24", "extra-lib; extra == 'x'"],
            },
        },
        {"metadata": {"name": "packaging", "version": "23.2"}},
        {"metadata": {"name": "fresh-lib", "version": "3.1"}},
        {"metadata": {"name": "Same_Version", "version": "1.0"}},
    ],
}


def test_compare_splits_new_packages_from_changes_with_reasons() -> None:
    installed = {"packaging": "24.1", "same-version": "1.0", "cargohold": "0.1.0"}
    additions, changes = compare(REPORT, installed, ["acme-cargohold"])
    assert additions == [("acme-cargohold", "1.0"), ("fresh-lib", "3.1")]
    assert changes == [
        Change("packaging", "24.1", "23.2", ("acme-cargohold 1.0 requires Packaging<24",))
    ]
    assert changes[0].describe() == (
        "packaging 24.1 -> 23.2 (downgrade: acme-cargohold 1.0 requires Packaging<24)"
    )


def test_compare_names_a_requested_requirement_as_the_reason() -> None:
    report = {"install": [{"metadata": {"name": "cargohold", "version": "1.0.0"}}]}
    _, changes = compare(report, {"cargohold": "0.1.0"}, ["cargohold>=1"])
    assert changes[0].kind == "upgrade"
    assert changes[0].reasons == ("requested cargohold>=1",)


def test_compare_allows_what_the_user_asked_to_upgrade() -> None:
    report = {"install": [{"metadata": {"name": "acme_cargohold", "version": "2.0"}}]}
    additions, changes = compare(report, {"acme-cargohold": "1.0"}, allowed={"acme-cargohold"})
    assert (additions, changes) == ([], [])


def test_uv_dry_run_output_reads_like_a_pip_report() -> None:
    text = (
        "Resolved 3 packages in 10ms\nWould install 2 packages\n"
        " - packaging==24.1\n + packaging==23.2\n"
        " + cargohold-s3==0.1.0 (from file:///tmp/wh/cargohold_s3-0.1.0-py3-none-any.whl)\n"
        " + s3fs[boto3]==2025.1.0\n"
    )
    additions, changes = compare(parse_uv_plan(text), {"packaging": "24.1"})
    assert additions == [("cargohold-s3", "0.1.0"), ("s3fs", "2025.1.0")]
    assert changes == [Change("packaging", "24.1", "23.2")]


def test_uv_gets_the_pip_settings_from_the_environment() -> None:
    env = {
        "PIP_FIND_LINKS": "/a /b",
        "PIP_INDEX_URL": "https://mirror/simple",
        "UV_INDEX_URL": "https://uv-own/simple",
        "PIP_CONSTRAINT": "c.txt",
        "PIP_NO_INDEX": "1",
    }
    assert uv_config_args(env) == [
        "--find-links", "/a", "--find-links", "/b", "--constraint", "c.txt", "--no-index",
    ]  # fmt: skip


# -- the install command, with pip replaced -----------------------------------------------


@pytest.fixture
def fake_pip(monkeypatch, tmp_path) -> list[list[str]]:
    """pip's report is REPORT, and what would have been run is recorded."""
    monkeypatch.setenv("CARGOHOLD_CONFIG_DIR", str(tmp_path))
    monkeypatch.setattr(installer, "choose_tool", lambda use_uv: "pip")
    monkeypatch.setattr(installer, "resolve", lambda reqs, upgrade: (REPORT, "canned report"))
    monkeypatch.setattr(installer, "installed_distributions", lambda: {"packaging": "24.1"})
    ran: list[list[str]] = []
    monkeypatch.setattr(installer, "run", lambda command: ran.append(list(command)))
    return ran


def test_install_stops_when_an_installed_package_would_change(fake_pip) -> None:
    result = CliRunner().invoke(cli, ["integration", "install", "s3", "-y"])
    assert result.exit_code == 1
    assert "change: packaging 24.1 -> 23.2 (downgrade" in result.output
    assert result.output.splitlines()[-1].startswith(
        "Error: the install would change 1 package you already have (packaging);"
    )
    assert fake_pip == []


def test_force_installs_anyway_and_says_what_it_runs(fake_pip) -> None:
    result = CliRunner().invoke(cli, ["integration", "install", "s3", "-y", "--force"])
    assert result.exit_code == 0, result.output
    assert fake_pip == [[sys.executable, "-m", "pip", "install", fake_pip[0][-1]]]
    assert fake_pip[0][-1].startswith("cargohold-s3>=")
    assert f"Running: {sys.executable} -m pip install" in result.output


def test_dry_run_runs_nothing(fake_pip) -> None:
    result = CliRunner().invoke(cli, ["integration", "install", "s3", "--dry-run", "--force"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was changed." in result.output
    assert fake_pip == []


def test_install_without_yes_and_without_a_terminal_refuses(fake_pip, monkeypatch) -> None:
    monkeypatch.setattr(
        installer,
        "resolve",
        lambda reqs, upgrade: ({"install": [{"metadata": {"name": "x", "version": "1"}}]}, "c"),
    )
    result = CliRunner().invoke(cli, ["integration", "install", "s3"])
    assert result.exit_code == 1
    assert "Refusing without confirmation: pass --yes" in result.output
    assert fake_pip == []
