"""A process killed with SIGKILL mid-write leaves no half-written artifact and no
damaged state database.

Each test runs the writer in a real subprocess, waits until it reports that it is in
the middle of its work, kills it with SIGKILL (no cleanup handlers run), and then
checks what a user would find.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cargohold.client import Client
from cargohold.registry.db import DATABASE_NAME
from cargohold.stores.builtin_flavors import LocalArtifactStoreFlavor
from cargohold.stores.local import is_partial_write

CHUNK = 1 << 20
REPORTED_AT = 24  # MiB written when the writer says so; it carries on until killed

LARGE_WRITER = textwrap.dedent(
    f"""
    import sys
    from cargohold.stores.builtin_flavors import LocalArtifactStoreFlavor

    root, destination = sys.argv[1], sys.argv[2]
    flavor = LocalArtifactStoreFlavor()
    store = flavor.create_store(flavor.validate_config({{"path": root}}))
    chunk = bytes(range(256)) * ({CHUNK} // 256)
    with store.open(destination, "wb") as handle:
        for written in range(1, 1 << 12):  # up to 4 GiB: it is killed long before
            handle.write(chunk)
            if written == {REPORTED_AT}:
                handle.flush()
                print("writing", flush=True)
    print("finished", flush=True)
    """
)

REGISTRY_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from cargohold.client import Client

    client = Client(Path(sys.argv[1]))
    round_ = sys.argv[2]
    for i in range(100_000):
        name = f"r{round_}-s{i}"
        client.register_artifact_store(name, "memory", {"path": f"memory://{name}"})
        client.register_stack(f"{name}-stack", name)
        client.update_artifact_store(name, {"path": f"memory://{name}/v2"})
        print(name, flush=True)  # everything for this name is committed
    """
)


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != expected:
        process.kill()
        _, stderr = process.communicate(timeout=30)
        pytest.fail(f"writer said {line!r} instead of {expected!r}:\n{stderr[-2000:]}")


@pytest.mark.parametrize("existing", [None, b"the previous version\n"], ids=["new", "overwrite"])
def test_a_killed_large_write_leaves_no_partial_file(
    tmp_path: Path, existing: bytes | None
) -> None:
    root = tmp_path / "store"
    (root / "models").mkdir(parents=True)
    destination = root / "models" / "weights.bin"
    if existing is not None:
        destination.write_bytes(existing)

    writer = start(LARGE_WRITER, str(root), str(destination))
    wait_for_line(writer, "writing")
    kill(writer)

    # The destination is exactly as it was: absent, or the previous version whole.
    if existing is None:
        assert not destination.exists()
    else:
        assert destination.read_bytes() == existing
    # The killed write's bytes are on disk, so the kill did land mid-write ...
    leftovers = [p for p in (root / "models").iterdir() if p != destination]
    assert len(leftovers) == 1 and is_partial_write(leftovers[0].name), leftovers
    assert leftovers[0].stat().st_size >= REPORTED_AT * CHUNK
    # ... and no listing shows them as an artifact.
    flavor = LocalArtifactStoreFlavor()
    store = flavor.create_store(flavor.validate_config({"path": str(root)}))
    expected = ["weights.bin"] if existing is not None else []
    assert store.listdir(str(root / "models")) == expected
    assert [str(p) for p in store.glob(f"{root}/models/*")] == [
        str(root / "models" / name) for name in expected
    ]
    walked = {str(d): sorted(map(str, f)) for d, _, f in store.walk(str(root))}
    assert walked == {str(root): [], str(root / "models"): expected}


def test_a_killed_write_does_not_block_the_next_one(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    destination = root / "weights.bin"
    writer = start(LARGE_WRITER, str(root), str(destination))
    wait_for_line(writer, "writing")
    kill(writer)

    flavor = LocalArtifactStoreFlavor()
    store = flavor.create_store(flavor.validate_config({"path": str(root)}))
    with store.open(str(destination), "wb") as handle:
        handle.write(b"retried")
    assert destination.read_bytes() == b"retried"
    assert store.listdir(str(root)) == ["weights.bin"]


def integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_killed_registry_writers_leave_a_sound_database(tmp_path: Path) -> None:
    config = tmp_path / "config"
    acknowledged: list[str] = []
    # Three rounds on the same database, killed at different points: each later round
    # also opens a database that a killed process left behind.
    for round_, after in enumerate((3, 17, 40)):
        writer = start(REGISTRY_WRITER, str(config), str(round_))
        assert writer.stdout is not None
        for _ in range(after):
            line = writer.stdout.readline().strip()
            if not line:
                writer.kill()
                pytest.fail(f"registry writer stopped early:\n{writer.communicate()[1][-2000:]}")
            acknowledged.append(line)
        kill(writer)
        assert integrity(config / DATABASE_NAME) == "ok"

    client = Client(config)
    stores = {record.name: record for record in client.list_artifact_stores()}
    stacks = {stack.name for stack in client.list_stacks()}
    for name in acknowledged:  # every write the killed processes saw committed survived
        assert stores[name].config["path"] == f"memory://{name}/v2"
        assert f"{name}-stack" in stacks
    # And the database still takes writes.
    client.register_artifact_store("after-the-crashes", "memory", {"path": "memory://after"})
    assert "after-the-crashes" in {r.name for r in client.list_artifact_stores()}
    assert integrity(config / DATABASE_NAME) == "ok"
    assert os.stat(config / DATABASE_NAME).st_mode & 0o777 == 0o600
