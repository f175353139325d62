"""Flavors: lookup, config validation, and lazy implementations with a useful error."""

from __future__ import annotations

import sys
from typing import ClassVar

import pytest

from cargohold.errors import ConfigValidationError, FlavorNotFoundError, MissingDependencyError
from cargohold.flavors import StackComponentType
from cargohold.plugins import PluginHost
from cargohold.stores.base import BaseArtifactStoreConfig, BaseArtifactStoreFlavor


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost().load()


def test_unknown_flavor_lists_what_exists(host: PluginHost) -> None:
    with pytest.raises(
        FlavorNotFoundError, match=r"unknown artifact_store flavor 'nope'; available: .*local"
    ):
        host.flavors.get("nope", StackComponentType.ARTIFACT_STORE)


@pytest.mark.parametrize(
    ("flavor", "values", "message"),
    [
        (
            "s3",
            {"path": "gs://bucket"},
            "path: root 'gs://bucket' has an unsupported scheme; accepted: s3://",
        ),
        ("s3", {"path": "s3://bucket", "colour": "red"}, "unknown field 'colour' (accepted: "),
        ("gcp", {}, "path: required"),
        (
            "azure",
            {"path": "abfs://c/p", "account_key": 3},
            "account_key: Input should be a valid string",
        ),
        ("local", {"path": "s3://bucket"}, "unsupported scheme"),
    ],
)
def test_config_errors_are_one_line(
    host: PluginHost, flavor: str, values: dict, message: str
) -> None:
    with pytest.raises(ConfigValidationError) as error:
        host.flavors.get(flavor).validate_config(values)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_secret_fields_are_masked_in_repr(host: PluginHost) -> None:
    config = host.flavors.get("s3").validate_config(
        {"path": "s3://bucket", "key": "AKIAVISIBLE", "secret": "very-secret-value"}
    )
    assert "very-secret-value" not in repr(config) and "very-secret-value" not in str(config)
    assert "very-secret-value" not in config.model_dump_json()


class MissingDepConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"nowhere://"}


class StringFlavor(BaseArtifactStoreFlavor):
    name = "needs-a-missing-package"
    integration = "nowhere"
    implementation = "cargohold_test_not_installed.store:Store"
    config_class = MissingDepConfig


def test_missing_implementation_names_flavor_module_and_fix() -> None:
    flavor = StringFlavor()
    config = flavor.validate_config({"path": "nowhere://bucket"})
    with pytest.raises(MissingDependencyError) as error:
        flavor.create_store(config)
    message = str(error.value)
    assert "'needs-a-missing-package'" in message
    assert "'cargohold_test_not_installed'" in message
    assert "cargohold integration install nowhere" in message


class ZenMLStyleFlavor(BaseArtifactStoreFlavor):
    """Written the way the seed's custom-flavor guide shows."""

    calls: ClassVar[int] = 0

    @property
    def name(self) -> str:
        return "zenml-style"

    @property
    def config_class(self) -> type[MissingDepConfig]:
        return MissingDepConfig

    @property
    def implementation_class(self) -> type:
        type(self).calls += 1
        from cargohold_test_missing_heavy_lib import Store  # type: ignore[import-not-found]

        return Store


def test_zenml_style_flavor_is_not_asked_for_its_implementation_until_use() -> None:
    from types import SimpleNamespace

    from cargohold.flavor_descriptions import describe_flavor, flavor_row
    from cargohold.hookspecs import hookimpl

    host = PluginHost(entry_points=list).load()
    plugin = SimpleNamespace(
        cargohold_flavors=hookimpl(lambda register: register(ZenMLStyleFlavor))
    )
    host.register(plugin, name="repo-flavor")
    entry = host.flavors.entries[(StackComponentType.ARTIFACT_STORE, "zenml-style")]
    flavor_row(host, entry)
    describe_flavor(host, entry)
    config = entry.flavor.validate_config({"path": "nowhere://b/p"})
    assert ZenMLStyleFlavor.calls == 0, "listing, describing and validating must not import it"
    with pytest.raises(MissingDependencyError, match="cargohold_test_missing_heavy_lib"):
        entry.flavor.create_store(config)
    assert ZenMLStyleFlavor.calls == 1
    assert "cargohold_test_missing_heavy_lib" not in sys.modules


def test_fsspec_store_imports_its_backend_only_on_first_io(tmp_path) -> None:
    from cargohold.stores.fsspec import FsspecArtifactStore

    class LazyBackendStore(FsspecArtifactStore):
        def _create_filesystem(self):
            import cargohold_test_missing_backend  # type: ignore[import-not-found]  # noqa: F401

            raise AssertionError("unreachable")

    store = LazyBackendStore(MissingDepConfig(path="nowhere://bucket"), flavor=StringFlavor())
    assert store.path == "nowhere://bucket", "constructing the store must not touch the backend"
    with pytest.raises(MissingDependencyError, match="cargohold integration install nowhere"):
        store.exists("nowhere://bucket/key")
