"""One throwaway environment with the core and every first-party plugin, but none of
the cloud libraries (the plugins are installed with --no-deps)."""

from __future__ import annotations

import pytest

from tests.support.venvs import Venv

PLUGINS = ("s3", "gcp", "azure")


@pytest.fixture(scope="session")
def bare_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    venv = Venv(tmp_path_factory.mktemp("no-cloud-libraries") / "venv")
    venv.install_core()
    for plugin in PLUGINS:
        venv.install_plugin_without_heavy_deps(plugin)
    for library in ("s3fs", "gcsfs", "adlfs", "botocore", "google.cloud", "azure.storage"):
        probe = venv.run(venv.python, "-c", f"import {library}")
        assert probe.returncode != 0, f"the bare environment must not have {library}"
    return venv
