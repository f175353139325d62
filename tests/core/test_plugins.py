"""Plugin loading: real distributions on sys.path, broken ones isolated, the allow-list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from cargohold.flavors import StackComponentType
from cargohold.hookspecs import hookimpl
from cargohold.plugins import PluginHost, PluginStatus
from cargohold.stores.base import BaseArtifactStoreFlavor
from cargohold.stores.builtin_flavors import LocalArtifactStoreConfig

GOOD = """
from cargohold import hookimpl
from cargohold.stores.builtin_flavors import LocalArtifactStoreConfig
from cargohold.stores.base import BaseArtifactStoreFlavor

class ExtraFlavor(BaseArtifactStoreFlavor):
    name = "extra"
    implementation = "cargohold.stores.local:LocalArtifactStore"
    config_class = LocalArtifactStoreConfig

@hookimpl
def cargohold_flavors(register):
    register(ExtraFlavor)
"""

RAISES_ON_IMPORT = 'raise RuntimeError("boom at import time")\n'

RAISES_IN_HOOK = """
from cargohold import hookimpl

@hookimpl
def cargohold_flavors(register):
    raise ValueError("the hook fell over")
"""

DUPLICATE_NAME = """
from cargohold import hookimpl
from cargohold.stores.builtin_flavors import LocalArtifactStoreConfig
from cargohold.stores.base import BaseArtifactStoreFlavor

class ImpostorFlavor(BaseArtifactStoreFlavor):
    name = "local"
    implementation = "nowhere:Nothing"
    config_class = LocalArtifactStoreConfig

@hookimpl
def cargohold_flavors(register):
    register(ImpostorFlavor)
"""


def make_distribution(site: Path, name: str, module: str, source: str) -> None:
    """Install a minimal real distribution (dist-info + module) into ``site``."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[cargohold]\n{name} = {module}\n")
    (site / f"{module}.py").write_text(textwrap.dedent(source))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    make_distribution(site, "good-plugin", "good_plugin", GOOD)
    make_distribution(site, "import-bomb", "import_bomb", RAISES_ON_IMPORT)
    make_distribution(site, "hook-bomb", "hook_bomb", RAISES_IN_HOOK)
    make_distribution(site, "impostor", "impostor", DUPLICATE_NAME)
    return site


def cargohold(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(site), **env}
    environment.pop("CARGOHOLD_LOAD_PLUGINS", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def plugin_rows(site: Path, **env: str) -> dict[str, dict[str, object]]:
    result = cargohold(site, "plugins", "list", "--output", "json", **env)
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_broken_plugins_are_listed_with_their_reason(site: Path) -> None:
    rows = plugin_rows(site)
    assert rows["good-plugin"]["status"] == "ok"
    assert rows["import-bomb"]["status"] == "broken"
    assert "import failed: RuntimeError: boom at import time" in str(rows["import-bomb"]["reason"])
    assert rows["hook-bomb"]["status"] == "broken"
    assert "cargohold_flavors raised ValueError: the hook fell over" in str(
        rows["hook-bomb"]["reason"]
    )
    assert rows["impostor"]["status"] == "broken"
    assert "artifact_store flavor 'local' is already registered by plugin 'builtin'" in str(
        rows["impostor"]["reason"]
    )
    assert rows["good-plugin"]["distribution"] == "good-plugin"
    assert rows["good-plugin"]["version"] == "1.0"
    assert rows["good-plugin"]["hooks"] == ["cargohold_flavors"]
    for first_party in ("builtin", "s3", "gcp", "azure"):
        assert rows[first_party]["status"] == "ok", rows[first_party]


def test_table_output_shows_broken_plugins_too(site: Path) -> None:
    result = cargohold(site, "plugins", "list")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("import-bomb"))
    assert "broken" in line and "boom at import time" in line


def test_other_flavors_and_commands_keep_working(site: Path) -> None:
    result = cargohold(site, "artifact-store", "flavor", "list", "--output", "json")
    assert result.returncode == 0, result.stderr
    names = {row["name"]: row for row in json.loads(result.stdout)}
    assert {"local", "memory", "s3", "gcp", "azure", "extra"} <= set(names)
    assert names["local"]["plugin"] == "builtin", "the impostor must not replace 'local'"
    for args in (("--help",), ("--version",), ("artifact-store", "flavor", "describe", "local")):
        assert cargohold(site, *args).returncode == 0, args


def test_allow_list_loads_only_named_plugins(site: Path) -> None:
    rows = plugin_rows(site, CARGOHOLD_LOAD_PLUGINS="s3, good-plugin")
    assert rows["s3"]["status"] == "ok"
    assert rows["good-plugin"]["status"] == "ok"
    assert rows["builtin"]["status"] == "ok", "built-ins always load"
    for name in ("gcp", "azure", "import-bomb", "hook-bomb", "impostor"):
        assert rows[name]["status"] == "disabled", rows[name]
    flavors = cargohold(
        site, "artifact-store", "flavor", "list", "-o", "json", CARGOHOLD_LOAD_PLUGINS="s3"
    )
    assert {row["name"] for row in json.loads(flavors.stdout)} == {"local", "memory", "s3"}


def test_empty_allow_list_loads_no_entry_points(site: Path) -> None:
    rows = plugin_rows(site, CARGOHOLD_LOAD_PLUGINS="")
    assert [name for name, row in rows.items() if row["status"] == "ok"] == ["builtin"]


def test_allow_list_naming_a_missing_plugin_says_so(site: Path) -> None:
    rows = plugin_rows(site, CARGOHOLD_LOAD_PLUGINS="s3,not-installed")
    assert rows["not-installed"]["status"] == "missing"
    assert "CARGOHOLD_LOAD_PLUGINS" in str(rows["not-installed"]["reason"])


# -- in-process: plugin objects registered for one test -------------------------


class ScratchFlavor(BaseArtifactStoreFlavor):
    name = "scratch"
    implementation = "cargohold.stores.local:LocalArtifactStore"
    config_class = LocalArtifactStoreConfig


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(entry_points=list).load()


def test_loading_is_idempotent(host: PluginHost) -> None:
    before = [r.name for r in host.plugins]
    host.load()
    host.load()
    assert [r.name for r in host.plugins] == before == ["builtin"]


def test_registered_plugin_object_contributes_until_unregistered(host: PluginHost) -> None:
    plugin = SimpleNamespace(cargohold_flavors=hookimpl(lambda register: register(ScratchFlavor)))
    name = host.register(plugin, name="scratch-plugin")
    try:
        assert host.flavors.get("scratch").name == "scratch"
        assert host.flavors.entries[(StackComponentType.ARTIFACT_STORE, "scratch")].plugin == name
    finally:
        host.unregister(name)
    assert "scratch" not in {e.flavor.name for e in host.flavors}


@pytest.mark.parametrize(
    ("hook", "reason"),
    [
        (lambda register: register(object), "not a subclass of cargohold.Flavor"),
        (lambda register: (register(ScratchFlavor), register(ScratchFlavor)), "twice"),
    ],
)
def test_bad_registrations_break_only_that_plugin(host: PluginHost, hook, reason) -> None:
    plugin = SimpleNamespace(cargohold_flavors=hookimpl(hook))
    name = host.register(plugin, name="bad")
    try:
        record = next(r for r in host.plugins if r.name == name)
        assert record.status is PluginStatus.BROKEN
        assert reason in str(record.reason)
        assert {e.flavor.name for e in host.flavors} == {"local", "memory"}
    finally:
        host.unregister(name)


def test_unknown_hook_is_reported(host: PluginHost) -> None:
    plugin = SimpleNamespace(cargohold_flavours=hookimpl(lambda register: None))
    name = host.register(plugin, name="typo")
    record = next(r for r in host.plugins if r.name == name)
    assert record.status is PluginStatus.BROKEN
    assert "unknown hook 'cargohold_flavours'" in str(record.reason)


def test_a_broken_plugin_contributes_nothing_from_any_hook(host: PluginHost) -> None:
    from cargohold.integrations import Integration

    class Half:
        @hookimpl
        def cargohold_integrations(self, register):
            register(Integration(name="half", distribution="half"))

        @hookimpl
        def cargohold_flavors(self, register):
            raise RuntimeError("second hook fails")

    name = host.register(Half(), name="half")
    assert "half" not in host.integrations, "a broken plugin's other registrations are dropped"
    assert next(r for r in host.plugins if r.name == name).status is PluginStatus.BROKEN


def test_registering_a_taken_name_is_refused(host: PluginHost) -> None:
    from cargohold.errors import PluginError

    with pytest.raises(PluginError, match="already registered"):
        host.register(SimpleNamespace(), name="builtin")
    assert next(r for r in host.plugins if r.name == "builtin").status is PluginStatus.OK


def test_hook_implementations_may_take_no_arguments(host: PluginHost) -> None:
    plugin = SimpleNamespace(cargohold_materializers=hookimpl(lambda: None))
    name = host.register(plugin, name="quiet")
    try:
        assert next(r for r in host.plugins if r.name == name).status is PluginStatus.OK
    finally:
        host.unregister(name)


def test_wrapper_implementations_are_refused(host: PluginHost) -> None:
    def wrapper(register):
        yield

    plugin = SimpleNamespace(cargohold_flavors=hookimpl(wrapper=True)(wrapper))
    name = host.register(plugin, name="wrapping")
    record = next(r for r in host.plugins if r.name == name)
    assert record.status is PluginStatus.BROKEN
    assert "may not be a wrapper" in str(record.reason)


def test_allow_listing_builtin_keeps_its_row(site: Path) -> None:
    rows = plugin_rows(site, CARGOHOLD_LOAD_PLUGINS="builtin")
    assert rows["builtin"]["status"] == "ok"
