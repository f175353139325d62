"""The s3fs filesystem a store uses, with botocore's timeouts and retries set from its
config. Heavy: imports s3fs (and with it botocore and aiohttp); the store imports this
module on its first I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import s3fs

from cargohold_s3.config import S3ArtifactStoreConfig

# s3fs runs its own retry loop around botocore's. One extra round covers what botocore
# cannot retry (a response body that breaks off mid-read) without multiplying
# botocore's attempts into minutes of waiting.
_S3FS_ATTEMPTS = 2


def create_filesystem(config: S3ArtifactStoreConfig, cache_options: Mapping[str, bool]) -> Any:
    filesystem = s3fs.S3FileSystem(
        **_credentials(config),
        client_kwargs=dict(config.client_kwargs or {}),
        config_kwargs=_botocore_config(config),
        s3_additional_kwargs=dict(config.s3_additional_kwargs or {}),
        **cache_options,
    )
    filesystem.retries = _S3FS_ATTEMPTS
    return filesystem


def _credentials(config: S3ArtifactStoreConfig) -> dict[str, str]:
    """Explicit credentials, or none so that botocore searches the environment."""
    if config.key is None or config.secret is None:
        return {}
    credentials = {
        "key": config.key.get_secret_value(),
        "secret": config.secret.get_secret_value(),
    }
    if config.token is not None:
        credentials["token"] = config.token.get_secret_value()
    return credentials


def _botocore_config(config: S3ArtifactStoreConfig) -> dict[str, Any]:
    options: dict[str, Any] = {
        "connect_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
        "retries": {"total_max_attempts": config.retries + 1, "mode": "standard"},
    }
    options.update(config.config_kwargs or {})
    return options
