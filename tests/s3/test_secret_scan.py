"""Every command of the suite, run with known secret values, lets none of them out.

The commands run against a moto server that checks credentials, so the values are
really used (signed requests, DEBUG logs of botocore), and some runs fail on
purpose, also with CARGOHOLD_DEBUG=1. Stdout, stderr, exception text, every log
record and every file written (exports, caches) are searched for each value and
its URL- and base64-encoded forms.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.s3.conftest import AuthServer
from tests.support.transcript import Transcript, mode, written_files

PLAIN_KEY = "AKIAPLAINTEXTKEY0042"
PLAIN_SECRET = "plain-text-secret-Zq81-value"
WRONG_SECRET = "wrong-secret-value-77-Xy"
SESSION_TOKEN = "session-token-3f9a-distinct"
NOTE = "note-value-9c2e-distinct"


def test_no_secret_value_escapes(auth_moto: AuthServer, tmp_path: Path) -> None:
    import os

    config_dir = Path(os.environ["CARGOHOLD_CONFIG_DIR"])
    values_dir = tmp_path / "inputs"  # the user's own files: not searched
    values_dir.mkdir()
    (values_dir / "secret.txt").write_text(auth_moto.secret + "\n")
    (values_dir / "extra.yaml").write_text(f"token: {SESSION_TOKEN}\nnote: {NOTE}\n")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    url = json.dumps({"endpoint_url": auth_moto.url})
    bucket = f"s3://{auth_moto.bucket}"
    debug = {"CARGOHOLD_DEBUG": "1"}
    transcript = Transcript()
    run = transcript.run

    # -- secrets ---------------------------------------------------------------------
    run(
        "secret", "create", "aws", f"--aws_access_key_id={auth_moto.key}",
        f"--aws_secret_access_key=@{values_dir / 'secret.txt'}",
    )  # fmt: skip
    run("secret", "create", "extra", f"--values=@{values_dir / 'extra.yaml'}")
    run("secret", "create", "inline", '--values={"pin": "inline-pin-5521"}')
    for output in ("table", "json"):
        run("secret", "list", "-o", output)
        run("secret", "get", "aws", "-o", output)
        run("secret", "get", "extra", "-o", output)
    run("secret", "update", "extra", f"--note={NOTE}-2", "--remove-key", "token")
    run("secret", "rename", "inline", "pins")
    run("secret", "delete", "pins", "--yes")
    run("secret", "update", "aws", "--remove-key", "nope", ok=False)
    run("secret", "create", "bad", "--values=@/no/such/file", ok=False, env=debug)

    # -- stores: by secret, by reference, in plain text ---------------------------------
    run(
        "artifact-store", "register", "by-secret", "-f", "s3", f"--path={bucket}/a",
        "--authentication_secret=aws", f"--client_kwargs={url}", "--retries=0",
    )  # fmt: skip
    run(
        "artifact-store", "register", "by-reference", "-f", "s3", f"--path={bucket}/b",
        "--key={{aws.aws_access_key_id}}", "--secret={{aws.aws_secret_access_key}}",
        f"--client_kwargs={url}", "--retries=0",
    )  # fmt: skip
    run(
        "artifact-store", "register", "plain", "-f", "s3", f"--path={bucket}/c",
        f"--key={PLAIN_KEY}", f"--secret={PLAIN_SECRET}", f"--token={SESSION_TOKEN}",
        f"--client_kwargs={url}", "--retries=0",
    )  # fmt: skip
    for output in ("table", "json"):
        run("artifact-store", "list", "-o", output)
        for store in ("by-secret", "by-reference", "plain"):
            run("artifact-store", "describe", store, "-o", output)
    run("artifact-store", "verify", "by-secret")
    run("artifact-store", "verify", "by-reference", "-o", "json")
    run("artifact-store", "verify", "plain", ok=False)  # moto does not know this key
    run("artifact-store", "verify", "plain", ok=False, env=debug)

    # -- connectors ---------------------------------------------------------------------
    run(
        "service-connector", "register", "aws-ok", "--type", "aws", "--auth-method",
        "secret-key", "--aws_access_key_id={{aws.aws_access_key_id}}",
        "--aws_secret_access_key={{aws.aws_secret_access_key}}",
        f"--endpoint_url={auth_moto.url}",
    )  # fmt: skip
    run(
        "service-connector", "register", "aws-bad", "--type", "aws", "--auth-method",
        "sts-token", f"--aws_access_key_id={auth_moto.key}",
        f"--aws_secret_access_key={WRONG_SECRET}", f"--aws_session_token={SESSION_TOKEN}",
        f"--endpoint_url={auth_moto.url}", f"--resource-id={bucket}",
    )  # fmt: skip
    for output in ("table", "json"):
        run("service-connector", "list", "-o", output)
        run("service-connector", "list-types", "-o", output)
        run("service-connector", "describe", "aws-ok", "-o", output)
        run("service-connector", "describe", "aws-bad", "-o", output)
        run("service-connector", "verify", "aws-ok", "-o", output)
        run("service-connector", "list-resources", "-o", output)
    run("service-connector", "verify", "aws-bad", ok=False)
    run("service-connector", "verify", "aws-bad", ok=False, env=debug)
    run("service-connector", "update", "aws-bad", f"--aws_secret_access_key={WRONG_SECRET}-2")
    run("artifact-store", "register", "linked", "-f", "s3", f"--path={bucket}/d")
    run("artifact-store", "connect", "linked", "--connector", "aws-ok")
    run("artifact-store", "verify", "linked", "-o", "json")
    run("artifact-store", "connect", "plain", "--connector", "aws-bad")
    run("artifact-store", "verify", "plain", ok=False, env=debug)
    run("service-connector", "delete", "aws-bad", "--yes", ok=False)
    run("artifact-store", "disconnect", "plain")

    # -- stacks, plugins, integrations ------------------------------------------------
    for store in ("by-secret", "by-reference", "plain", "linked"):
        run("stack", "register", f"s-{store}", "-a", store)
        run("stack", "export", f"s-{store}", str(outputs / f"{store}.yaml"))
    run("stack", "describe", "s-plain", "-o", "json")
    run("plugins", "list", "-o", "json")
    run("plugins", "list")
    run("integration", "list", "-o", "json")
    run("artifact-store", "flavor", "describe", "s3", "-o", "json")

    # A rotated secret takes effect; the failure it causes says nothing of it either.
    run("secret", "update", "aws", f"--aws_secret_access_key={WRONG_SECRET}")
    run("artifact-store", "verify", "by-secret", ok=False, env=debug)
    run("secret", "get", "aws", "--reveal", "-o", "json")  # asked for: set aside below
    revealed = transcript.parts[-2:]
    del transcript.parts[-2:]
    assert Transcript(parts=revealed).leaks([WRONG_SECRET]), "the search finds a value"
    logged = "\n".join(transcript.parts)
    assert "botocore.endpoint DEBUG Sending http request" in logged, "DEBUG logs were searched"
    assert "Traceback (most recent call last)" in logged, "debug tracebacks were searched"

    transcript.add_files([*written_files(outputs), *written_files(config_dir)])
    values = [
        auth_moto.key,
        auth_moto.secret,
        PLAIN_KEY,
        PLAIN_SECRET,
        WRONG_SECRET,
        SESSION_TOKEN,
        NOTE,
        "inline-pin-5521",
    ]
    assert transcript.leaks(values) == []
    assert len(transcript.commands) > 60

    assert mode(config_dir / "cargohold.db") == 0o600
    assert mode(config_dir) == 0o700
    # What the exports keep instead: references, the secret's name, the connector's.
    assert "key: '{{aws.aws_access_key_id}}'" in (outputs / "by-reference.yaml").read_text()
    assert "authentication_secret: aws" in (outputs / "by-secret.yaml").read_text()
    assert "connector: aws-ok" in (outputs / "linked.yaml").read_text()
