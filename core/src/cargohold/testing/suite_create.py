"""Conformance tests for ``create_new``: create only if absent, and, on a store that
declares ``ATOMIC_CREATE``, exactly one winner among writers racing for one path."""

from __future__ import annotations

import threading

from cargohold.errors import PathOutsideStoreError
from cargohold.stores.base import BaseArtifactStore
from cargohold.testing.helpers import expect_raises, read_bytes, write_bytes
from cargohold.testing.suite_base import ConformanceBase

#: Writers that race to create one path in the atomicity test.
RACING_WRITERS = 16
# Seconds a racing writer may take; a store that hangs fails instead of stalling the run.
_RACE_TIMEOUT = 120.0


class CreateNewTests(ConformanceBase):
    def test_create_new_creates_a_missing_file(self, store: BaseArtifactStore, root: str) -> None:
        payload = bytes(range(256)) + b'{"format": 1}\r\n'
        store.create_new(f"{root}/claims/a/1.claim", payload)
        assert read_bytes(store, f"{root}/claims/a/1.claim") == payload, (
            "create_new() of a missing path must create it with exactly the bytes given "
            "(and its missing parent directories)"
        )
        store.create_new(f"{root}/claims/empty", b"")
        assert read_bytes(store, f"{root}/claims/empty") == b"", (
            "create_new() with b'' must create an empty file"
        )
        store.create_new("claims/relative", b"r")
        assert read_bytes(store, f"{root}/claims/relative") == b"r", (
            "create_new(): a relative path must be taken relative to the store root"
        )

    def test_create_new_refuses_an_existing_path(self, store: BaseArtifactStore, root: str) -> None:
        path = f"{root}/claims/2.claim"
        write_bytes(store, path, b"written first")
        with expect_raises(FileExistsError, "create_new() of an existing path must raise"):
            store.create_new(path, b"written second")
        assert read_bytes(store, path) == b"written first", (
            "a refused create_new() must leave the existing content unchanged"
        )
        store.create_new(f"{root}/claims/3.claim", b"created")
        with expect_raises(
            FileExistsError, "create_new() of a path that create_new() created must raise"
        ):
            store.create_new(f"{root}/claims/3.claim", b"again")
        assert read_bytes(store, f"{root}/claims/3.claim") == b"created", (
            "a refused create_new() must leave the first create_new()'s content unchanged"
        )

    def test_create_new_rejects_paths_outside_root(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        for outside in (f"{root}2/claim", f"{root}/../claim", "../claim", "otherscheme://b/c"):
            with expect_raises(
                PathOutsideStoreError,
                f"create_new({outside!r}) is outside the root and must raise",
            ):
                store.create_new(outside, b"x")
        assert store.list_files(root) == {}, "a refused create_new() must create nothing"

    def test_create_new_has_one_winner_among_racing_writers(
        self, store: BaseArtifactStore, root: str
    ) -> None:
        if not type(store).ATOMIC_CREATE:
            self.skip_for("ATOMIC_CREATE", False, "create_new() checks, then writes, on this store")
        path = f"{root}/race/1.claim"
        start = threading.Barrier(RACING_WRITERS, timeout=_RACE_TIMEOUT)
        outcomes: dict[int, BaseException | None] = {}

        def create(writer: int) -> None:
            try:
                start.wait()
                store.create_new(path, f"writer {writer}".encode())
            except BaseException as exc:  # every outcome is reported, whatever it is
                outcomes[writer] = exc
            else:
                outcomes[writer] = None

        threads = [threading.Thread(target=create, args=(n,)) for n in range(RACING_WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(_RACE_TIMEOUT)
        assert len(outcomes) == RACING_WRITERS, (
            f"create_new(): {RACING_WRITERS - len(outcomes)} of {RACING_WRITERS} racing "
            f"writers did not finish within {_RACE_TIMEOUT:g} s"
        )
        unexpected = {
            writer: f"{type(exc).__name__}: {exc}"
            for writer, exc in outcomes.items()
            if exc is not None and not isinstance(exc, FileExistsError)
        }
        assert not unexpected, (
            f"create_new(): a writer that loses a race must get FileExistsError, got {unexpected}"
        )
        winners = sorted(writer for writer, exc in outcomes.items() if exc is None)
        assert len(winners) == 1, (
            f"create_new() with ATOMIC_CREATE: of {RACING_WRITERS} writers racing to create "
            f"one path exactly one must succeed, but {len(winners)} did"
        )
        assert read_bytes(store, path) == f"writer {winners[0]}".encode(), (
            "create_new() with ATOMIC_CREATE: the path must hold the winner's bytes"
        )
