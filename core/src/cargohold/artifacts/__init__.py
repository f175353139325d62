"""Artifacts: Python objects saved to a store through materializers, with versions.

``save_artifact`` writes an object under ``<root>/artifacts/<name>/<version>/`` of
the active stack's store (or the named one) and publishes the version in that
store's own catalogue, where every machine that registers the store sees it;
``load_artifact`` reads it back. Each call uses a fresh ``Client``; for another
config directory use ``Client(config_dir).artifacts``.
"""

from __future__ import annotations

from typing import Any

from cargohold.artifacts.files import ArtifactFiles
from cargohold.artifacts.materializers import Materializer
from cargohold.artifacts.versions import ArtifactVersion

__all__ = [
    "ArtifactFiles",
    "ArtifactVersion",
    "Materializer",
    "delete_artifact",
    "list_artifacts",
    "load_artifact",
    "save_artifact",
]


def _artifacts() -> Any:
    from cargohold.client import Client

    return Client().artifacts


def save_artifact(
    obj: Any,
    name: str,
    *,
    store: str | None = None,
    metadata: dict[str, Any] | None = None,
    allow_pickle: bool = False,
) -> ArtifactVersion:
    """Save ``obj`` as the next version of artifact ``name``; return that version.

    ``store`` names a registered store (default: the active stack's). An object no
    materializer handles is an error, unless ``allow_pickle`` is given.
    """
    version: ArtifactVersion = _artifacts().save(
        obj, name, store=store, metadata=metadata, allow_pickle=allow_pickle
    )
    return version


def load_artifact(
    name: str,
    version: int | None = None,
    *,
    store: str | None = None,
    allow_pickle: bool = False,
) -> Any:
    """The object saved as ``name`` (its latest version, or ``version``) in ``store``
    (default: the active stack's)."""
    return _artifacts().load(name, version, store=store, allow_pickle=allow_pickle)


def list_artifacts(
    name: str | None = None, *, store: str | None = None, all_stores: bool = False
) -> list[ArtifactVersion]:
    """The artifact versions (of ``name``) in ``store`` (default: the active stack's),
    or in every registered store, by name then version."""
    versions: list[ArtifactVersion] = _artifacts().versions(
        name, store=store, all_stores=all_stores
    )
    return versions


def delete_artifact(
    name: str, version: int | None = None, *, store: str | None = None
) -> list[ArtifactVersion]:
    """Delete one version of ``name``, or all of them, in ``store``; return what was
    deleted."""
    deleted = _artifacts().delete(name, version, store=store)
    if deleted.leftovers:
        from cargohold.errors import CargoholdError

        raise CargoholdError(
            f"deleted the versions, but could not remove {'; '.join(deleted.leftovers)}; "
            "remove those folders by hand"
        )
    versions: list[ArtifactVersion] = deleted.versions
    return versions
