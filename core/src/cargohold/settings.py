"""Where cargohold keeps its state."""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_DIR_ENV = "CARGOHOLD_CONFIG_DIR"


def config_dir() -> Path:
    """``$CARGOHOLD_CONFIG_DIR``, else the platform's user config directory."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser().absolute()
    import platformdirs

    return Path(platformdirs.user_config_dir("cargohold", appauthor=False))


def default_local_store_root() -> Path:
    """Where a local store with no explicit path keeps its files."""
    return config_dir() / "local_stores" / "default"
