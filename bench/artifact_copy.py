"""`cargohold artifact-store copy` from the local store to a moto S3 server.

Measures the wall time of copying 1,000 files of 4 KiB (with 8 workers and with 1),
and the peak memory of the copying process for one file of 256 MiB against the same
process copying nothing, so that the difference is what the copy itself holds.

    python bench/artifact_copy.py [LARGE_MIB]   # default 256; 1024 shows memory stays flat
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.s3.conftest import start_moto  # noqa: E402
from tests.s3.helpers import admin_client  # noqa: E402

# Runs the CLI and reports the process's own peak RSS (KiB) on stderr as it exits.
MEASURED_CLI = (
    "import atexit, resource, sys; atexit.register(lambda: sys.stderr.write("
    "f'maxrss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')); "
    "sys.argv = ['cargohold', *sys.argv[1:]]; from cargohold.cli import main; main()"
)


def cli(env: dict[str, str], *args: str) -> tuple[float, int]:
    """Run one command; its wall time and its peak RSS in KiB."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_CLI, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    peak = int(done.stderr.rsplit("maxrss=", 1)[1].split()[0])
    return time.perf_counter() - started, peak


def store_args(name: str, url: str, path: str) -> list[str]:
    return [
        "artifact-store", "register", name, "-f", "s3", f"--path={path}",
        f'--client_kwargs={{"endpoint_url": "{url}"}}', "--key=testing", "--secret=testing",
    ]  # fmt: skip


def main() -> None:
    large_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    work = Path(tempfile.mkdtemp(prefix="cargohold-bench-copy-"))
    with start_moto(work / "moto.log") as moto:
        admin = admin_client(moto.url)
        env = {**os.environ, "CARGOHOLD_CONFIG_DIR": str(work / "config")}
        small = work / "small"
        small.mkdir()
        for index in range(1000):
            (small / f"{index:04d}.bin").write_bytes(os.urandom(4096))
        large = work / "large.bin"
        block = os.urandom(1 << 20)
        with large.open("wb") as handle:
            for _ in range(large_mib):
                handle.write(block)
        code = (
            "import cargohold, pathlib, sys; "
            "cargohold.save_artifact(pathlib.Path(sys.argv[1]), sys.argv[2])"
        )
        for workers in (8, 1) if large_mib == 256 else ():
            admin.create_bucket(Bucket=f"small-{workers}")
            subprocess.run(
                [sys.executable, "-c", code, str(small), f"small{workers}"], env=env, check=True
            )
            cli(env, *store_args(f"s{workers}", moto.url, f"s3://small-{workers}/x"))
            seconds, _ = cli(
                env,
                "artifact-store",
                "copy",
                "default",
                f"s{workers}",
                "--artifacts",
                f"small{workers}",
                "--workers",
                str(workers),
            )
            print(f"1,000 x 4 KiB, {workers} worker(s): {seconds:.1f} s")
        admin.create_bucket(Bucket="large")
        cli(env, *store_args("big", moto.url, "s3://large/x"))
        subprocess.run(
            [sys.executable, "-c", code, str(small / "0000.bin"), "tiny"], env=env, check=True
        )
        _, baseline = cli(env, "artifact-store", "copy", "default", "big", "--artifacts", "tiny")
        subprocess.run([sys.executable, "-c", code, str(large), "large"], env=env, check=True)
        seconds, peak = cli(env, "artifact-store", "copy", "default", "big", "--artifacts", "large")
        print(
            f"{large_mib} MiB file: {seconds:.1f} s, "
            f"peak RSS of the copying process {peak / 1024:.0f} MiB"
        )
        print(
            f"peak RSS copying one 4 KiB file: {baseline / 1024:.0f} MiB "
            "(the difference is what the copy holds)"
        )


if __name__ == "__main__":
    main()
