"""Eight processes write to one fresh state database at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from cargohold.client import Client

    config, worker = Path(sys.argv[1]), int(sys.argv[2])
    start_at, report = float(sys.argv[3]), sys.argv[4]
    while time.time() < start_at:  # start together, on a database none of us has created
        time.sleep(0.001)
    client = Client(config)
    done, errors = [], []
    for i in range(50):
        name = f"w{worker}-c{i}"
        for action in ("register", "update", "delete"):
            if action == "delete" and i % 3:
                continue
            try:
                if action == "register":
                    client.register_artifact_store(name, "memory", {"path": f"memory://{name}"})
                elif action == "update":
                    client.update_artifact_store(name, {"path": f"memory://{name}/v2"})
                else:
                    client.delete_artifact_store(name)
                done.append([action, name])
            except Exception as exc:
                errors.append(f"{action} {name}: {type(exc).__name__}: {exc}")
    Path(report).write_text(json.dumps({"done": done, "errors": errors}))
    """
)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    import time

    config = tmp_path / "config"
    start_at = time.time() + 3.0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(config),
                str(n),
                str(start_at),
                str(tmp_path / f"r{n}"),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    stderr = [worker.communicate(timeout=300)[1] for worker in workers]
    assert [w.returncode for w in workers] == [0] * 8, stderr
    assert not any("database is locked" in text for text in stderr)
    reports = [json.loads((tmp_path / f"r{n}").read_text()) for n in range(8)]
    errors = [error for report in reports for error in report["errors"]]
    assert errors == [], errors[:5]

    expected: dict[str, str] = {}
    for report in reports:
        for action, name in report["done"]:
            if action == "delete":
                expected.pop(name)
            else:
                expected[name] = f"memory://{name}/v2" if action == "update" else f"memory://{name}"
    connection = sqlite3.connect(config / "cargohold.db")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = connection.execute(
        "SELECT name, config FROM components WHERE name != 'default'"
    ).fetchall()
    actual = {name: json.loads(config)["path"] for name, config in rows}
    assert actual == expected
    assert len(actual) == 8 * (50 - 17), "each worker keeps the 33 components it did not delete"
    stacks = connection.execute("SELECT name FROM stacks").fetchall()
    assert stacks == [("default",)], "the default stack is created exactly once"


TRY_LOCK = textwrap.dedent(
    """
    import fcntl, sys
    with open(sys.argv[1], "r+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1 << 20)
            print("free")
        except OSError:
            print("held")
    """
)


def test_opening_a_connection_keeps_the_locks_this_process_holds(tmp_path: Path) -> None:
    """Closing any descriptor of a file drops every POSIX lock the process holds on
    it, SQLite's included: a thread opening its connection must not open and close
    the database file itself."""
    import fcntl
    import threading

    from cargohold.registry.db import Database

    path = tmp_path / "state.db"
    Database(path).read()  # the file exists from here on
    with path.open("r+b") as held:
        # A byte away from the ones SQLite locks, so the check sees only this lock.
        fcntl.lockf(held, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1 << 20)
        opener = threading.Thread(target=lambda: Database(path).read())
        opener.start()
        opener.join()
        probe = subprocess.run(
            [sys.executable, "-c", TRY_LOCK, str(path)], capture_output=True, text=True
        )
    assert probe.stdout.strip() == "held", probe.stdout + probe.stderr
