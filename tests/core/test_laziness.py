"""The laziness contract, checked in fresh processes with every plugin installed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("s3fs", "gcsfs", "adlfs", "botocore", "boto3", "aiobotocore", "google", "azure", "aiohttp")

PROBE = textwrap.dedent(
    """
    import json, sys
    import cargohold
    from cargohold.flavors import StackComponentType
    from cargohold.plugins import load_plugins

    host = load_plugins()
    entries = host.flavors.list(StackComponentType.ARTIFACT_STORE)
    flavors = {e.flavor.name: e.flavor for e in entries}
    samples = {
        "local": {"path": "/tmp/cargohold-laziness"},
        "memory": {"path": "memory://laziness"},
        "s3": {"path": "s3://bucket/prefix", "key": "AKIAEXAMPLE", "secret": "s3cr3t",
               "client_kwargs": {"endpoint_url": "http://127.0.0.1:9"}},
        "gcp": {"path": "gs://bucket/prefix", "project": "p", "token": "{}"},
        "azure": {"path": "az://container/prefix", "account_name": "acct", "account_key": "k"},
    }
    stores = []
    for name, values in samples.items():
        config = flavors[name].validate_config(values)
        stores.append(config)
    heavy = sorted(
        m for m in sys.modules
        if m.split(".")[0] in {HEAVY}
    )
    print(json.dumps({"flavors": sorted(flavors), "heavy": heavy}))
    """
).replace("{HEAVY}", repr(set(HEAVY)))


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def test_loading_plugins_and_validating_configs_imports_no_cloud_library() -> None:
    result = json.loads(run_python(PROBE).stdout)
    assert {"local", "memory", "s3", "gcp", "azure"} <= set(result["flavors"])
    assert result["heavy"] == [], f"imported heavy modules: {result['heavy']}"


def test_listing_flavors_from_the_cli_imports_no_cloud_library() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from click.testing import CliRunner
        from cargohold.cli import cli
        result = CliRunner().invoke(cli, ["artifact-store", "flavor", "list"])
        assert result.exit_code == 0, result.output
        assert "s3" in result.output
        heavy = [m for m in sys.modules if m.split(".")[0] in {set(HEAVY)!r}]
        print(",".join(heavy))
        """
    )
    assert run_python(code).stdout.strip() == ""


def test_help_imports_neither_pydantic_nor_plugins() -> None:
    code = textwrap.dedent(
        """
        import sys
        from cargohold.cli import main
        try:
            sys.argv = ["cargohold", "--help"]
            main()
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        loaded = [m for m in sys.modules
                  if m.split(".")[0] in {"pydantic", "pydantic_core", "cargohold_s3",
                                         "cargohold_gcp", "cargohold_azure", "fsspec", "pluggy"}
                  or m in {"cargohold.plugins", "cargohold.builtin_plugin"}
                  or m.startswith("cargohold.cli.")]
        print("LOADED:" + ",".join(sorted(loaded)))
        """
    )
    output = run_python(code).stdout
    assert "Usage: cargohold" in output
    assert output.strip().splitlines()[-1] == "LOADED:", output


def test_console_script_help_works(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cargohold", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "artifact-store" in result.stdout and "plugins" in result.stdout


def test_root_help_lists_each_lazy_group_with_its_own_docstring() -> None:
    from click.testing import CliRunner

    from cargohold.cli import LAZY_COMMANDS, cli, load_lazy_command

    for name, (_, listed_help) in LAZY_COMMANDS.items():
        command = load_lazy_command(name)
        assert command.name == name
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert listed_help == first_paragraph, (
            f"LAZY_COMMANDS[{name!r}] must repeat the first paragraph of its docstring"
        )
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line]
    assert listed == sorted([*LAZY_COMMANDS, "init"])
