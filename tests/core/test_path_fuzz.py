"""Path fuzzing: no generated path resolves outside a store's root.

Every path is either folded to a location inside the root or refused with a
one-line ``InvalidPathError`` / ``PathOutsideStoreError``. The generator mixes the
forms that have let paths escape elsewhere: ``..`` and ``.``, repeated and trailing
separators, backslashes, percent-encoded dots and slashes, unicode look-alikes of
dots and slashes, other schemes, sibling roots that share a prefix, empty strings
and NUL bytes.

10,000 examples by default, spread over a local, an S3, a GCS, an Azure and a
whole-bucket root; ``CARGOHOLD_FUZZ_EXAMPLES`` asks for more (``nox -s fuzz`` runs
200,000).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cargohold.errors import InvalidPathError, PathOutsideStoreError
from cargohold.paths import StoreRoot, split_scheme
from cargohold.stores.builtin_flavors import LocalArtifactStoreFlavor

EXAMPLES = int(os.environ.get("CARGOHOLD_FUZZ_EXAMPLES", "10000"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written to the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROOTS = {
    "local": StoreRoot.parse("/srv/data/root", ["", "file://"]),
    "s3": StoreRoot.parse("s3://bucket/root", ["s3://"]),
    "gs": StoreRoot.parse("gs://bucket/root", ["gs://"]),
    "azure": StoreRoot.parse("az://container/root", ["az://", "abfs://"]),
    "whole-bucket": StoreRoot.parse("s3://bucket", ["s3://"]),
}

# Path segments chosen to confuse a containment check, plus arbitrary text.
TRICKY_SEGMENTS = [
    "..", ".", "", "...", "root", "root2", "rootx", "bucket", "container", "srv", "data",
    "%2e%2e", "%2E%2E", "%2e", "%2f", "%2F", "..%2f", "%2e%2e%2f", "%252e%252e", "%00",
    "\uff0e\uff0e",  # fullwidth full stops
    "\u2025",  # two dot leader
    "\u2024\u2024",  # one dot leaders
    "\u2215",  # division slash
    "\u2044",  # fraction slash
    "\uff0f",  # fullwidth solidus
    "\u29f5",  # reverse solidus operator
    ".\u200b.",  # dots around a zero-width space
    "~", "~root", "$HOME", "s3:", "C:", "file:", "a b", "a?b", "a#b", "a*b", "[0]",
]  # fmt: skip
SEPARATORS = ["/", "/", "/", "//", "///", "\\", "/./", "/../", "%2f"]
PREFIXES = [
    "", "", "/", "//", "file://", "file:///", "FILE:///", "s3://", "S3://", "gs://",
    "az://", "abfs://", "ABFS://", "http://", "https://", "memory://", "s3:/", "s3:",
    "s3:///", "hdfs://", "..", "./",
]  # fmt: skip

# Characters for made-up names: separators, dots and their look-alikes among letters.
NAME_CHARACTERS = "ab.%2e/\\\x00:~ \u00e9\uff0e\u2215\U0001f600"
# A path is a prefix and a run of tokens, each a separator, a tricky segment or one
# character of a made-up name: one draw per token keeps 10,000 examples quick.
TOKENS = st.sampled_from(SEPARATORS * 3 + TRICKY_SEGMENTS + list(NAME_CHARACTERS))


def aimed_at(*roots: StoreRoot) -> list[str]:
    """Prefixes: the generic ones, and each root, with a slash and as a sibling."""
    own = [uri for root in roots for uri in (root.uri, root.uri + "/", root.uri + "2")]
    return PREFIXES + own + own


def paths(prefixes: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, tokens: prefix + "".join(tokens),
        st.sampled_from(prefixes),
        st.lists(TOKENS, max_size=14),
    )


def rooted_paths() -> st.SearchStrategy[tuple[StoreRoot, str]]:
    """A root, and a path aimed at it or at any of the other roots."""
    return st.tuples(st.sampled_from(list(ROOTS.values())), paths(aimed_at(*ROOTS.values())))


def check_one_line(error: Exception) -> None:
    message = str(error)
    assert message and "\n" not in message, f"expected a one-line message, got {message!r}"


def check_inside(root: StoreRoot, path: str, resolved: str) -> None:
    """``resolved`` names a location inside ``root``, judged without ``paths.py``'s folding."""
    assert "\x00" not in resolved and "\\" not in resolved
    scheme, body = split_scheme(resolved)
    assert scheme in root.schemes, f"{path!r} -> {resolved!r}: foreign scheme"
    if root.is_local:
        # An independent judge: the standard library's own normalisation and containment.
        assert body == os.path.normpath(body) and body.startswith("/"), (path, resolved)
        assert os.path.commonpath([body, root.body]) == root.body, (path, resolved)
    else:
        parts = body.split("/")
        assert all(part not in ("", ".", "..") for part in parts), (path, resolved)
        root_parts = root.body.split("/")
        assert parts[: len(root_parts)] == root_parts, (path, resolved)
    assert root.resolve(resolved) == resolved, "resolving a resolved path changes nothing"
    assert root.contains(resolved)


def check(root: StoreRoot, path: str) -> None:
    try:
        resolved = root.resolve(path)
    except (InvalidPathError, PathOutsideStoreError) as error:
        check_one_line(error)
        # What must never be accepted is refused; nothing more to check.
        return
    check_inside(root, path, resolved)
    # What was accepted cannot have been malformed.
    assert path and "\x00" not in path and "\\" not in path
    # Percent-encodings and look-alikes are names, never decoded into separators or dots.
    for literal in ("%2e", "%2E", "%2f", "%2F", "\uff0e", "\u2025", "\u2215", "\uff0f"):
        assert path.count(literal) >= resolved.count(literal) or literal in root.uri


@FUZZ
@given(rooted_paths())
def test_generated_paths_stay_inside_or_are_refused(case: tuple[StoreRoot, str]) -> None:
    check(*case)


@pytest.mark.parametrize("name", sorted(ROOTS))
def test_clean_paths_under_the_root_are_never_refused(name: str) -> None:
    """The other side of the contract: a plain path under the root is accepted as it is."""
    root = ROOTS[name]
    plain = st.text(
        st.characters(blacklist_characters="/\\\x00", blacklist_categories=("Cs",)), min_size=1
    ).filter(lambda part: part not in (".", ".."))

    @settings(FUZZ, max_examples=max(EXAMPLES // 50, 100))
    @given(st.lists(plain, min_size=1, max_size=5))
    def run(parts: list[str]) -> None:
        path = posixpath.join(root.uri, *parts)
        assert root.resolve(path) == path
        relative = "/".join(parts)
        assert root.resolve(relative) == path

    run()


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("", InvalidPathError),
        ("a\x00b", InvalidPathError),
        ("..\\..\\etc", InvalidPathError),
        ("../root2/x", PathOutsideStoreError),
        ("s3://bucket/root/../root2", PathOutsideStoreError),
        ("S3://bucket/root2", PathOutsideStoreError),
        ("gs://bucket/root/x", PathOutsideStoreError),
        ("/bucket/root/x", PathOutsideStoreError),
    ],
)
def test_the_seed_cases_of_the_generator_are_refused(path: str, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        ROOTS["s3"].resolve(path)
    check_one_line(caught.value)


def test_a_local_store_writes_nothing_outside_its_root(tmp_path: Path) -> None:
    """End to end through a real store: accepted paths are written, all inside the root."""
    sandbox = tmp_path / "sandbox"
    root = sandbox / "root"
    root.mkdir(parents=True)
    flavor = LocalArtifactStoreFlavor()
    store = flavor.create_store(flavor.validate_config({"path": str(root)}))
    local_root = StoreRoot.parse(str(root), ["", "file://"])

    @settings(FUZZ, max_examples=max(EXAMPLES // 20, 100))
    @given(paths(aimed_at(local_root)))
    def run(path: str) -> None:
        try:
            with store.open(path, "wb") as handle:
                handle.write(b"x")
        except (InvalidPathError, PathOutsideStoreError) as error:
            check_one_line(error)
        except OSError:
            pass  # a file where a directory is needed, a name too long, ...: still inside

    run()
    assert sorted(p.name for p in sandbox.iterdir()) == ["root"], "something escaped the root"
    for written in root.rglob("*"):
        assert written.resolve().is_relative_to(root.resolve())
