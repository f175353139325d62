"""The bad-input catalogue: every way a user can get a command wrong, through the real CLI.

Each case runs one `cargohold` process against a copy of the same state (stores,
stacks, a plugin whose heavy dependency is missing, a plugin that fails to import)
and must end with a non-zero exit, one line on stderr that says what is wrong and
what to do, no traceback, and a state database that is byte-for-byte unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

GHOST_PLUGIN = """
from typing import ClassVar

from cargohold import BaseArtifactStoreConfig, BaseArtifactStoreFlavor, hookimpl


class GhostConfig(BaseArtifactStoreConfig):
    SUPPORTED_SCHEMES: ClassVar[set[str]] = {"ghost://"}


class GhostFlavor(BaseArtifactStoreFlavor):
    name = "ghost"
    integration = "ghost"
    implementation = "ghost_catalogue_plugin.store:GhostStore"

    @property
    def config_class(self):
        return GhostConfig


@hookimpl
def cargohold_flavors(register):
    register(GhostFlavor)
"""


@dataclass(frozen=True)
class World:
    """The state every case starts from, and how to run the CLI against a copy of it."""

    site: Path
    config: Path


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    # Each fragment must appear in the message: what is wrong, and what to do.
    expected: tuple[str, ...]
    # Changes the copied state (or the environment) before the command runs.
    prepare: Callable[[Path, dict[str, str]], None] | None = None
    exit_code: int | None = None
    env: dict[str, str] = field(default_factory=dict)


def make_plugin(site: Path, name: str, module_text: str, extra: dict[str, str]) -> None:
    package = site / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(module_text))
    for file, text in extra.items():
        (package / file).write_text(text)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    distribution = name.replace("_", "-")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[cargohold]\n{name.split('_')[0]} = {name}\n")


def run_cli(
    world_site: Path, config: Path, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(world_site),
        "CARGOHOLD_CONFIG_DIR": str(config),
        **env,
    }
    for variable in ("CARGOHOLD_LOAD_PLUGINS", "CARGOHOLD_DEBUG"):
        environment.pop(variable, None)
    return subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("catalogue")
    site, config = root / "site", root / "config"
    make_plugin(
        site, "ghost_catalogue_plugin", GHOST_PLUGIN, {"store.py": "import ghost_sdk_not_there\n"}
    )
    make_plugin(site, "explode_catalogue_plugin", "raise RuntimeError('cannot start')\n", {})
    setup = [
        ("artifact-store", "register", "spare", "-f", "memory", "--path=memory://spare"),
        ("stack", "register", "dev", "-a", "spare"),
        (
            "artifact-store",
            "register",
            "unreachable",
            "-f",
            "s3",
            "--path=s3://bucket/x",
            '--client_kwargs={"endpoint_url": "http://127.0.0.1:9"}',
            "--retries=0",
            "--key=AKIACATALOGUE",
            "--secret=catalogue-secret",
        ),
        ("artifact-store", "register", "nolib", "-f", "ghost", "--path=ghost://b/x"),
        ("stack", "export", "dev", str(root / "dev.yaml")),
        ("quickstart",),
        ("secret", "create", "team", "--token=catalogue-token"),
        ("secret", "create", "partial", "--aws_access_key_id=x", "--colour=red"),
        ("artifact-store", "register", "by-ref", "-f", "s3", "--path=s3://bucket/r",
         "--key={{team.token}}", "--secret={{team.token}}"),
        ("artifact-store", "register", "dangling", "-f", "s3", "--path=s3://bucket/d",
         "--key={{gone.id}}", "--secret={{gone.key}}"),
        ("service-connector", "register", "one-bucket", "--type", "aws", "--auth-method",
         "implicit", "--resource-id", "s3://elsewhere"),
        ("service-connector", "register", "gcs", "--type", "gcp", "--auth-method", "anonymous"),
        ("artifact-store", "register", "linked", "-f", "s3", "--path=s3://elsewhere/x"),
        ("artifact-store", "connect", "linked", "--connector", "one-bucket"),
    ]  # fmt: skip
    for args in setup:
        done = run_cli(site, config, *args)
        assert done.returncode == 0, (args, done.stderr)
    frail = root / "frail"
    done = run_cli(
        site, config, "artifact-store", "register", "frail", "-f", "local", f"--path={frail}"
    )
    assert done.returncode == 0, done.stderr
    write_unreadable_manifests(frail / "artifacts" / ".catalog" / "v1")
    return World(site=site, config=config)


def write_unreadable_manifests(catalogue: Path) -> None:
    """In store `frail`: `broken:1`, whose manifest is cut short, and `future:1`, whose
    manifest a newer cargohold wrote."""
    (catalogue / "broken").mkdir(parents=True)
    (catalogue / "broken" / "1.json").write_bytes(b'{"format": 1, "name": "bro')
    (catalogue / "future").mkdir()
    manifest = {
        "format": 2,
        "name": "future",
        "version": 1,
        "type": "builtins.dict",
        "data": "future/1",
        "files": [],
        "size": 0,
        "checksum": "",
        "created": "2031-01-01T00:00:00+00:00",
    }
    (catalogue / "future" / "1.json").write_text(json.dumps(manifest))


def database_digest(config: Path) -> str:
    digest = hashlib.sha256()
    for name in ("cargohold.db", "cargohold.db-wal"):
        path = config / name
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()


def stack_file(config: Path, change: Callable[[dict], None]) -> str:
    """An exported stack file, edited by ``change``, written beside the state."""
    data = yaml.safe_load((config.parent / "dev.yaml").read_text())
    change(data)
    path = config.parent / f"{change.__name__}.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def corrupt_database(config: Path, env: dict[str, str]) -> None:
    for name in ("cargohold.db-wal", "cargohold.db-shm"):
        (config / name).unlink(missing_ok=True)
    (config / "cargohold.db").write_bytes(b"this is not an SQLite database" * 100)


def future_database(config: Path, env: dict[str, str]) -> None:
    with sqlite3.connect(config / "cargohold.db") as connection:
        connection.execute("PRAGMA user_version = 999")
    connection.close()


def config_dir_is_a_file(config: Path, env: dict[str, str]) -> None:
    shutil.rmtree(config)
    config.write_text("not a folder")


def config_dir_not_writable(config: Path, env: dict[str, str]) -> None:
    if os.geteuid() == 0:
        # Permission bits do not stop root; sysfs refuses everyone.
        env["CARGOHOLD_CONFIG_DIR"] = "/sys/cargohold-state"
    else:
        shutil.rmtree(config)
        config.mkdir(mode=0o500)


NO_STORE = ("no artifact store named 'ghost'", "`cargohold artifact-store list` shows them")
NO_STACK = ("no stack named 'ghost'", "`cargohold stack list` shows them")
UNKNOWN_FLAVOR = ("unknown artifact_store flavor 'hdfs'", "`cargohold artifact-store flavor list`")
BAD_NAME = ("invalid artifact store name", "use 1-64 letters")
CONFIRM = ("Refusing without confirmation", "pass --yes")
LISTS_FIELDS = ("lists its fields",)
NO_ARTIFACT = ("no artifact named 'ghost'", "`cargohold artifact list` shows the artifacts")
BAD_REF = ("invalid artifact reference", "NAME:VERSION with a version number")

CASES: dict[str, Case] = {
    # -- artifact-store register -------------------------------------------------
    "register: unknown flavor": Case(
        ("artifact-store", "register", "x", "-f", "hdfs", "--path=hdfs://b"), UNKNOWN_FLAVOR
    ),
    "register: flavor of a plugin that failed to load": Case(
        ("artifact-store", "register", "x", "-f", "explode", "--path=explode://b"),
        ("unknown artifact_store flavor 'explode'", "failed to load: explode", "plugins list"),
    ),
    "register: wrong scheme": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path=gs://bucket"),
        ("unsupported scheme; accepted: s3://", *LISTS_FIELDS),
    ),
    "register: path without a scheme on s3": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path=bucket/x"),
        ("unsupported scheme", *LISTS_FIELDS),
    ),
    "register: missing required path": Case(
        ("artifact-store", "register", "x", "-f", "s3"), ("path: required", *LISTS_FIELDS)
    ),
    "register: unknown field": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path=s3://b", "--colour=red"),
        ("unknown field 'colour' (accepted: ", *LISTS_FIELDS),
    ),
    "register: malformed JSON": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path=s3://b", "--client_kwargs={oops"),
        ("--client_kwargs: not valid JSON", "quote it"),
    ),
    "register: wrong value type": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path=s3://b", "--connect_timeout=soon"),
        ("connect_timeout: Input should be a valid number", *LISTS_FIELDS),
    ),
    "register: duplicate name": Case(
        ("artifact-store", "register", "default", "-f", "memory", "--path=memory://d"),
        ("artifact store 'default' already exists", "choose another name"),
    ),
    "register: name with a space": Case(
        ("artifact-store", "register", "no spaces", "-f", "memory", "--path=memory://d"), BAD_NAME
    ),
    "register: empty name": Case(
        ("artifact-store", "register", "", "-f", "memory", "--path=memory://d"), BAD_NAME
    ),
    "register: option without a key": Case(
        ("artifact-store", "register", "x", "-f", "memory", "--path=memory://d", "--=3"),
        ("malformed option '--=3'", "use --KEY=VALUE"),
        exit_code=2,
    ),
    "register: no flavor": Case(
        ("artifact-store", "register", "x", "--path=s3://b"),
        ("Missing option '-f'", "--help"),
        exit_code=2,
    ),
    "register: stray argument": Case(
        ("artifact-store", "register", "x", "-f", "memory", "stray"),
        ("unexpected argument 'stray'", "config fields go as --KEY=VALUE"),
        exit_code=2,
    ),
    # -- artifact-store update, rename, describe, delete --------------------------
    "update: unknown store": Case(("artifact-store", "update", "ghost", "--path=/x"), NO_STORE),
    "update: wrong scheme": Case(
        ("artifact-store", "update", "default", "--path=s3://bucket"),
        ("unsupported scheme", *LISTS_FIELDS),
    ),
    "update: unknown field": Case(
        ("artifact-store", "update", "spare", "--colour=red"),
        ("unknown field 'colour'", *LISTS_FIELDS),
    ),
    "update: nothing to change": Case(
        ("artifact-store", "update", "spare"),
        ("nothing to update", "give fields as --KEY=VALUE"),
        exit_code=2,
    ),
    "rename: unknown store": Case(("artifact-store", "rename", "ghost", "other"), NO_STORE),
    "rename: onto an existing name": Case(
        ("artifact-store", "rename", "spare", "default"),
        ("artifact store 'default' already exists", "choose another name"),
    ),
    "rename: invalid new name": Case(("artifact-store", "rename", "spare", "bad name"), BAD_NAME),
    "describe: unknown store": Case(("artifact-store", "describe", "ghost"), NO_STORE),
    "delete: unknown store": Case(("artifact-store", "delete", "ghost", "-y"), NO_STORE),
    "delete: store in use": Case(
        ("artifact-store", "delete", "spare", "--yes"),
        ("is used by stack dev", "point the"),
    ),
    "delete: without confirmation": Case(("artifact-store", "delete", "spare"), CONFIRM),
    "list: unknown output format": Case(
        ("artifact-store", "list", "-o", "yaml"),
        ("'yaml' is not one of 'table', 'json'", "--help"),
        exit_code=2,
    ),
    # -- verify: stores that cannot work -------------------------------------------
    "verify: unknown store": Case(("artifact-store", "verify", "ghost"), NO_STORE),
    "verify: unreachable endpoint": Case(
        ("artifact-store", "verify", "unreachable"),
        ("cannot connect to the endpoint http://127.0.0.1:9", "check client_kwargs.endpoint_url"),
    ),
    "verify: heavy dependency missing": Case(
        ("artifact-store", "verify", "nolib"),
        ("module 'ghost_sdk_not_there' is not available", "cargohold integration install ghost"),
    ),
    # -- flavors ----------------------------------------------------------------------
    "flavor describe: unknown flavor": Case(
        ("artifact-store", "flavor", "describe", "hdfs"), UNKNOWN_FLAVOR
    ),
    "flavor register: module not importable": Case(
        ("artifact-store", "flavor", "register", "no_such_pkg.mod.Flavor"),
        ("cannot import 'no_such_pkg.mod'", "see `cargohold init`"),
    ),
    "flavor register: not a dotted path": Case(
        ("artifact-store", "flavor", "register", "Flavor"),
        ("is not a dotted path to a class", "package.module.ClassName"),
    ),
    "flavor register: not a flavor class": Case(
        ("artifact-store", "flavor", "register", "os.path.join"),
        ("is not a flavor class", "subclass cargohold.BaseArtifactStoreFlavor"),
    ),
    "flavor delete: unknown flavor": Case(
        ("artifact-store", "flavor", "delete", "hdfs", "-y"),
        ("no custom flavor named 'hdfs'", "uninstalled"),
    ),
    "flavor init: invalid name": Case(
        ("flavor", "init", "Bad Name!", "--dir", "scaffold"),
        ("invalid flavor name 'Bad Name!'", "lowercase letters"),
    ),
    "flavor init: invalid scheme": Case(
        ("flavor", "init", "acme", "--scheme", "ac me", "--dir", "scaffold"),
        ("invalid scheme 'ac me'", "starting with a letter"),
    ),
    "flavor init: folder not empty": Case(
        ("flavor", "init", "acme", "--dir", "."),
        ("is not empty", "choose another --dir"),
    ),
    # -- stacks -----------------------------------------------------------------------
    "stack register: unknown store": Case(("stack", "register", "s", "-a", "ghost"), NO_STORE),
    "stack register: duplicate name": Case(
        ("stack", "register", "dev", "-a", "spare"),
        ("stack 'dev' already exists", "choose another name"),
    ),
    "stack register: invalid name": Case(
        ("stack", "register", "my stack", "-a", "spare"), ("invalid stack name", "use 1-64")
    ),
    "stack register: no store": Case(
        ("stack", "register", "s2"), ("Missing option '-a'", "--help"), exit_code=2
    ),
    "stack set: unknown stack": Case(("stack", "set", "ghost"), NO_STACK),
    "stack describe: unknown stack": Case(("stack", "describe", "ghost"), NO_STACK),
    "stack update: unknown stack": Case(("stack", "update", "ghost", "-a", "spare"), NO_STACK),
    "stack update: unknown store": Case(("stack", "update", "dev", "-a", "ghost"), NO_STORE),
    "stack delete: unknown stack": Case(("stack", "delete", "ghost", "-y"), NO_STACK),
    "stack delete: the active stack": Case(
        ("stack", "delete", "default", "-y"), ("is the active stack", "switch first with")
    ),
    "stack delete: without confirmation": Case(("stack", "delete", "dev"), CONFIRM),
    "stack export: unknown stack": Case(("stack", "export", "ghost", "out.yaml"), NO_STACK),
    "stack export: folder missing": Case(
        ("stack", "export", "dev", "no/such/folder/out.yaml"),
        ("cannot write no/such/folder/out.yaml", "check that its folder exists"),
    ),
    "stack import: file missing": Case(
        ("stack", "import", "/no/such/file.yaml"),
        ("cannot read /no/such/file.yaml", "a file written by `cargohold stack export`"),
    ),
    "stack import: malformed YAML": Case(
        ("stack", "import", "{BROKEN_YAML}"), ("is not valid YAML", "export the stack again")
    ),
    "stack import: not a stack file": Case(
        ("stack", "import", "{LIST_YAML}"),
        ("not a cargohold stack file", "create one with `cargohold stack export`"),
    ),
    "stack import: unknown flavor": Case(
        ("stack", "import", "{UNKNOWN_FLAVOR_YAML}", "--name", "copy"), UNKNOWN_FLAVOR
    ),
    "stack import: wrong scheme": Case(
        ("stack", "import", "{WRONG_SCHEME_YAML}", "--name", "copy"),
        ("unsupported scheme", *LISTS_FIELDS),
    ),
    # -- integrations ---------------------------------------------------------------
    "integration install: unknown": Case(
        ("integration", "install", "hdfs", "-y"),
        ("unknown integration 'hdfs'", "`cargohold integration list` shows them"),
    ),
    "integration requirements: unknown": Case(
        ("integration", "requirements", "hdfs"), ("unknown integration 'hdfs'", "list")
    ),
    "integration uninstall: unknown": Case(
        ("integration", "uninstall", "hdfs", "-y"), ("unknown integration 'hdfs'", "list")
    ),
    "integration export: folder missing": Case(
        ("integration", "export-requirements", "s3", "-o", "no/such/req.txt"),
        ("cannot write no/such/req.txt", "check that its folder exists"),
    ),
    # -- secrets --------------------------------------------------------------------
    "secret create: no values": Case(
        ("secret", "create", "empty"), ("needs at least one value", "--KEY=VALUE")
    ),
    "secret create: duplicate name": Case(
        ("secret", "create", "team", "--a=b"), ("secret 'team' already exists", "secret update")
    ),
    "secret create: invalid name": Case(
        ("secret", "create", "bad name", "--a=b"), ("invalid secret name", "use 1-64")
    ),
    "secret create: invalid key": Case(
        ("secret", "create", "s", "--9lives=x"), ("invalid secret key '9lives'", "starting with")
    ),
    "secret create: malformed --values": Case(
        ("secret", "create", "s", "--values={oops: [}"),
        ("--values is not valid JSON or YAML", "give a mapping"),
    ),
    "secret create: --values not a mapping": Case(
        ("secret", "create", "s", "--values=[1, 2]"), ("must hold a mapping", "{k: v}")
    ),
    "secret create: nested value": Case(
        ("secret", "create", "s", '--values={"a": {"b": 1}}'),
        ("the value of 'a' must be a string or a number",),
    ),
    "secret create: --values file missing": Case(
        ("secret", "create", "s", "--values=@/no/such/values.yaml"),
        ("--values: cannot read /no/such/values.yaml", "readable text file"),
    ),
    "secret create: value file missing": Case(
        ("secret", "create", "s", "--token=@/no/such/token"),
        ("--token: cannot read /no/such/token", "readable text file"),
    ),
    "secret get: unknown secret": Case(
        ("secret", "get", "ghost"), ("no secret named 'ghost'", "`cargohold secret list`")
    ),
    "secret update: unknown secret": Case(
        ("secret", "update", "ghost", "--a=b"), ("no secret named 'ghost'", "secret list")
    ),
    "secret update: removing a key it lacks": Case(
        ("secret", "update", "team", "--remove-key", "nope"),
        ("secret 'team' has no key 'nope'", "its keys: token"),
    ),
    "secret update: nothing to update": Case(
        ("secret", "update", "team"), ("nothing to update", "--remove-key")
    ),
    "secret update: removing every key": Case(
        ("secret", "update", "team", "--remove-key", "token"),
        ("would have no keys left", "cargohold secret delete team"),
    ),
    "secret rename: onto an existing name": Case(
        ("secret", "rename", "partial", "team"), ("secret 'team' already exists",)
    ),
    "secret rename: in use": Case(
        ("secret", "rename", "team", "crew"), ("would break artifact store by-ref", "change them")
    ),
    "secret delete: in use": Case(
        ("secret", "delete", "team", "--yes"),
        ("would break artifact store by-ref", "change them first"),
    ),
    "secret delete: unknown secret": Case(("secret", "delete", "ghost", "-y"), ("no secret",)),
    "secret delete: without confirmation": Case(("secret", "delete", "partial"), CONFIRM),
    # -- stores and secrets ---------------------------------------------------------
    "register: path refers to a secret": Case(
        ("artifact-store", "register", "x", "-f", "s3", "--path={{team.token}}"),
        ("path cannot refer to a secret", "write the path itself"),
    ),
    "register: authentication secret of the wrong shape": Case(
        (
            "artifact-store",
            "register",
            "x",
            "-f",
            "s3",
            "--path=s3://b",
            "--authentication_secret=partial",
        ),
        (
            "secret 'partial' does not fit the s3 flavor",
            "unknown field 'colour'",
            "aws_secret_access_key: required",
            "cargohold secret update partial",
        ),
    ),
    "verify: store refers to a missing secret": Case(
        ("artifact-store", "verify", "dangling"),
        ("refers to secret 'gone', which does not exist", "cargohold secret create gone"),
    ),
    # -- service connectors ---------------------------------------------------------
    "connector register: unknown type": Case(
        ("service-connector", "register", "c", "--type", "ftp", "--auth-method", "x"),
        ("unknown connector type 'ftp'", "list-types"),
    ),
    "connector register: unknown auth method": Case(
        ("service-connector", "register", "c", "--type", "aws", "--auth-method", "password"),
        ("has no auth method 'password'", "implicit, secret-key, sts-token"),
    ),
    "connector register: missing setting": Case(
        (
            "service-connector",
            "register",
            "c",
            "--type",
            "aws",
            "--auth-method",
            "secret-key",
            "--aws_access_key_id=x",
        ),
        ("aws_secret_access_key: required",),
    ),
    "connector register: unknown setting": Case(
        (
            "service-connector",
            "register",
            "c",
            "--type",
            "gcp",
            "--auth-method",
            "implicit",
            "--colour=red",
        ),
        ("unknown field 'colour' (accepted: endpoint_url, project)",),
    ),
    "connector register: bad endpoint": Case(
        (
            "service-connector",
            "register",
            "c",
            "--type",
            "aws",
            "--auth-method",
            "implicit",
            "--endpoint_url=localhost:9000",
        ),
        ("endpoint_url: 'localhost:9000' is not an http:// or https:// URL",),
    ),
    "connector register: unknown resource type": Case(
        (
            "service-connector",
            "register",
            "c",
            "--type",
            "aws",
            "--auth-method",
            "implicit",
            "--resource-type",
            "gcs-bucket",
        ),
        ("has no resource type 'gcs-bucket'", "choose one of: s3-bucket"),
    ),
    "connector register: resource id with a path": Case(
        (
            "service-connector",
            "register",
            "c",
            "--type",
            "aws",
            "--auth-method",
            "implicit",
            "--resource-id",
            "s3://bucket/prefix",
        ),
        ("is not a s3-bucket", "give s3://NAME or NAME"),
    ),
    "connector register: duplicate name": Case(
        ("service-connector", "register", "gcs", "--type", "gcp", "--auth-method", "anonymous"),
        ("service connector 'gcs' already exists", "choose another name"),
    ),
    "connector describe: unknown connector": Case(
        ("service-connector", "describe", "ghost"),
        ("no service connector named 'ghost'", "`cargohold service-connector list`"),
    ),
    "connector update: nothing to update": Case(
        ("service-connector", "update", "gcs"), ("nothing to update",), exit_code=2
    ),
    "connector update: unknown setting": Case(
        ("service-connector", "update", "gcs", "--colour=red"), ("unknown field 'colour'",)
    ),
    "connector delete: in use": Case(
        ("service-connector", "delete", "one-bucket", "--yes"),
        ("is used by artifact store linked", "artifact-store disconnect linked"),
    ),
    "connector delete: without confirmation": Case(("service-connector", "delete", "gcs"), CONFIRM),
    "connector verify: unknown connector": Case(
        ("service-connector", "verify", "ghost"), ("no service connector named 'ghost'",)
    ),
    "connect: unknown connector": Case(
        ("artifact-store", "connect", "by-ref", "--connector", "ghost"),
        ("no service connector named 'ghost'",),
    ),
    "connect: connector of another cloud": Case(
        ("artifact-store", "connect", "by-ref", "--connector", "gcs"),
        ("gives access to gcs-bucket resources", "not to s3 stores"),
    ),
    "connect: connector for another bucket": Case(
        ("artifact-store", "connect", "by-ref", "--connector", "one-bucket"),
        ("gives access to s3://elsewhere only", "change its --resource-id"),
    ),
    "disconnect: not connected": Case(
        ("artifact-store", "disconnect", "by-ref"),
        ("is not connected", "artifact-store connect by-ref"),
    ),
    # -- the state itself -----------------------------------------------------------
    "state: corrupt database file": Case(
        ("artifact-store", "list"),
        ("file is not a database", "move it aside"),
        prepare=corrupt_database,
    ),
    "state: database from a newer cargohold": Case(
        ("stack", "list"),
        ("newer than this cargohold understands", "upgrade"),
        prepare=future_database,
    ),
    "state: config dir is a file": Case(
        ("artifact-store", "list"),
        ("cannot create the state database", "set CARGOHOLD_CONFIG_DIR"),
        prepare=config_dir_is_a_file,
    ),
    "state: config dir not writable": Case(
        ("artifact-store", "register", "x", "-f", "memory", "--path=memory://x"),
        ("cannot create the state database", "set CARGOHOLD_CONFIG_DIR"),
        prepare=config_dir_not_writable,
    ),
    # -- the command line itself ---------------------------------------------------
    "unknown command": Case(
        ("artifact-stores", "list"), ("No such command 'artifact-stores'", "--help"), exit_code=2
    ),
    "unknown option": Case(
        ("artifact-store", "list", "--colour"), ("No such option '--colour'", "--help"), exit_code=2
    ),
    # -- artifact ---------------------------------------------------------------------
    "artifact describe: unknown artifact": Case(("artifact", "describe", "ghost"), NO_ARTIFACT),
    "artifact describe: version not a number": Case(
        ("artifact", "describe", "quickstart-model:two"), BAD_REF
    ),
    "artifact describe: no name": Case(("artifact", "describe", ":3"), BAD_REF),
    "artifact describe: unknown version": Case(
        ("artifact", "describe", "quickstart-model:9"),
        ("artifact 'quickstart-model' has no version 9", "artifact list --name quickstart-model"),
    ),
    "artifact list: unknown name": Case(("artifact", "list", "--name", "ghost"), NO_ARTIFACT),
    "artifact list: unknown store": Case(("artifact", "list", "--store", "ghost"), NO_STORE),
    "artifact list: one store and all of them": Case(
        ("artifact", "list", "--store", "spare", "--all-stores"),
        ("give --store NAME or --all-stores, not both", "--help"),
        exit_code=2,
    ),
    "artifact list: a damaged manifest": Case(
        ("artifact", "list", "--store", "frail"),
        ("the manifest of broken:1 in store 'frail' is not a JSON manifest", "damaged"),
    ),
    "artifact describe: a damaged manifest": Case(
        ("artifact", "describe", "broken:1", "--store", "frail"),
        ("the manifest of broken:1 in store 'frail' is not a JSON manifest", "damaged"),
    ),
    "artifact describe: a manifest of a newer format": Case(
        ("artifact", "describe", "future", "--store", "frail"),
        ("is in manifest format 2, newer than this cargohold reads", "upgrade cargohold"),
    ),
    "artifact describe: not in the store named": Case(
        ("artifact", "describe", "quickstart-model", "--store", "spare"),
        ("no artifact named 'quickstart-model' in store 'spare'", "artifact list"),
    ),
    "artifact delete: without confirmation": Case(
        ("artifact", "delete", "quickstart-model"), CONFIRM
    ),
    "artifact delete: unknown artifact": Case(("artifact", "delete", "ghost", "-y"), NO_ARTIFACT),
    "artifact delete: bad reference": Case(("artifact", "delete", "a:b:c", "-y"), BAD_REF),
    "artifact visualize: folder not writable": Case(
        ("artifact", "visualize", "quickstart-model", "--dir", "/sys/cargohold-previews"),
        ("cannot write visualizations to /sys/cargohold-previews", "choose a folder"),
    ),
    # -- artifact-store copy --------------------------------------------------------
    "copy: unknown source": Case(("artifact-store", "copy", "ghost", "spare"), NO_STORE),
    "copy: unknown destination": Case(("artifact-store", "copy", "default", "ghost"), NO_STORE),
    "copy: same store twice": Case(
        ("artifact-store", "copy", "default", "default"),
        ("source and destination are the same store", "name two different stores"),
    ),
    "copy: unknown artifact": Case(
        ("artifact-store", "copy", "default", "spare", "--artifacts", "ghost"),
        ("artifact 'ghost' has no version in store 'default'", "artifact list --name ghost"),
    ),
    "copy: artifact not in the source": Case(
        ("artifact-store", "copy", "spare", "default", "--artifacts", "quickstart-model"),
        ("has no version in store 'spare'", "artifact list --name quickstart-model"),
    ),
    "copy: no workers": Case(
        ("artifact-store", "copy", "default", "spare", "--workers", "0"),
        ("Invalid value for '--workers'", "--help"),
        exit_code=2,
    ),
    "copy: unreachable destination": Case(
        ("artifact-store", "copy", "default", "unreachable"),
        ("cannot connect to the endpoint http://127.0.0.1:9", "check client_kwargs.endpoint_url"),
    ),
    "init: directory missing": Case(
        ("init", "no/such/dir"), ("does not exist", "--help"), exit_code=2
    ),
}


def placeholders(workdir: Path, config: Path) -> dict[str, str]:
    broken, listed = workdir / "broken.yaml", workdir / "list.yaml"
    broken.write_text("stack: [unclosed\n")
    listed.write_text("- a\n- b\n")

    def unknown_flavor(data: dict) -> None:
        data["components"]["artifact_store"]["flavor"] = "hdfs"
        data["components"]["artifact_store"]["name"] = "other"

    def wrong_scheme(data: dict) -> None:
        data["components"]["artifact_store"]["config"]["path"] = "s3://bucket"
        data["components"]["artifact_store"]["name"] = "other"

    return {
        "{BROKEN_YAML}": str(broken),
        "{LIST_YAML}": str(listed),
        "{UNKNOWN_FLAVOR_YAML}": stack_file(config, unknown_flavor),
        "{WRONG_SCHEME_YAML}": stack_file(config, wrong_scheme),
    }


def test_the_catalogue_is_large() -> None:
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(world: World, tmp_path: Path, name: str) -> None:
    case = CASES[name]
    workdir = tmp_path / "work"
    workdir.mkdir()
    config = tmp_path / "config"
    shutil.copytree(world.config, config)
    shutil.copy(world.config.parent / "dev.yaml", tmp_path / "dev.yaml")
    env: dict[str, str] = dict(case.env)
    if case.prepare is not None:
        case.prepare(config, env)
    substitutes = placeholders(workdir, config)
    args = [substitutes.get(arg, arg) for arg in case.args]
    before = database_digest(config) if config.is_dir() else config.read_bytes()

    done = subprocess.run(
        [sys.executable, "-m", "cargohold", *args],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("CARGOHOLD_LOAD_PLUGINS",)},
            "PYTHONPATH": str(world.site),
            "CARGOHOLD_CONFIG_DIR": str(config),
            **env,
        },
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )

    message = done.stderr.strip()
    assert done.returncode != 0, f"exit 0 for {args}: {done.stdout}"
    if case.exit_code is not None:
        assert done.returncode == case.exit_code, message
    assert len(message.splitlines()) == 1, f"not one line:\n{message}"
    assert message.startswith("Error: "), message
    assert "Traceback" not in done.stderr + done.stdout
    for fragment in case.expected:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    after = database_digest(config) if config.is_dir() else config.read_bytes()
    assert after == before, "a refused command must leave the state database unchanged"
