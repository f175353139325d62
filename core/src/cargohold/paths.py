"""Path normalisation and containment, shared by every store and by ``fileio``.

A store root is a scheme plus a body: ``s3://bucket/prefix`` is (``s3``,
``bucket/prefix``) and ``/data/root`` is (``""``, ``/data/root``). A path is inside a
root when, after ``.`` and ``..`` are folded, its body equals the root's body or
continues it past a ``/``: ``s3://b/root2`` is *not* inside ``s3://b/root``.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cargohold.errors import InvalidPathError, PathOutsideStoreError

PathType = bytes | str

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://(.*)$", re.DOTALL)
LOCAL_SCHEMES = frozenset({"", "file"})


def as_text(path: PathType) -> str:
    """Decode a ``bytes`` path the way ``os`` does, and reject malformed paths."""
    text = os.fsdecode(path) if isinstance(path, bytes) else path
    if not isinstance(text, str):
        raise InvalidPathError(f"expected a str or bytes path, got {type(path).__name__}")
    if not text:
        raise InvalidPathError("empty path; give a path under the store root")
    if "\x00" in text:
        raise InvalidPathError(f"path {text!r} contains a NUL byte")
    if "\\" in text:
        raise InvalidPathError(f"path {text!r} contains a backslash; separate parts with '/'")
    return text


def split_scheme(path: str) -> tuple[str, str]:
    """``"s3://b/k"`` -> ``("s3", "b/k")``; a path with no scheme -> ``("", path)``."""
    match = _SCHEME.match(path)
    if match is None:
        return "", path
    return match.group(1).lower(), match.group(2)


def scheme_name(supported: str) -> str:
    """``"s3://"`` -> ``"s3"``; ``""`` -> ``""`` (a plain local path)."""
    return supported.lower().removesuffix("://")


def _fold(body: str, local: bool) -> str | None:
    """Fold ``.``, ``..`` and repeated ``/``; ``None`` when ``..`` climbs past the top."""
    parts: list[str] = []
    for part in body.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    folded = "/".join(parts)
    return "/" + folded if local else folded


@dataclass(frozen=True)
class StoreRoot:
    """A store's root, able to resolve path arguments against it."""

    scheme: str
    body: str
    schemes: frozenset[str]

    @classmethod
    def parse(cls, root: PathType, supported_schemes: Iterable[str]) -> StoreRoot:
        text = as_text(root)
        schemes = frozenset(scheme_name(s) for s in supported_schemes)
        scheme, rest = split_scheme(text)
        if scheme not in schemes:
            accepted = ", ".join(sorted(f"{s}://" if s else "a plain path" for s in schemes))
            raise InvalidPathError(f"root {text!r} has an unsupported scheme; accepted: {accepted}")
        local = scheme in LOCAL_SCHEMES
        if local and not rest.startswith("/"):
            raise InvalidPathError(f"local root {text!r} must be an absolute path")
        folded = _fold(rest, local)
        if folded is None or (not local and not folded):
            raise InvalidPathError(f"root {text!r} does not name a location")
        return cls(scheme=scheme, body=folded, schemes=schemes)

    @property
    def is_local(self) -> bool:
        return self.scheme in LOCAL_SCHEMES

    @property
    def uri(self) -> str:
        return self.join(self.scheme, self.body)

    def join(self, scheme: str, body: str) -> str:
        """Rebuild a user-facing path from a scheme and a folded body."""
        if scheme == "":
            return body
        return f"{scheme}://{body.lstrip('/') if scheme != 'file' else body}"

    def _body_inside(self, body: str) -> bool:
        root = self.body.rstrip("/")
        return body == self.body or body.startswith(root + "/")

    def resolve(self, path: PathType) -> str:
        """Return ``path`` folded and absolute, or raise if it is outside the root.

        A relative path is taken relative to the root. The result keeps the scheme
        the caller used (``abfs://`` stays ``abfs://`` on a store that accepts both).
        """
        text = as_text(path)
        scheme, rest = split_scheme(text)
        if scheme == "" and not text.startswith("/"):
            scheme, rest = self.scheme, posixpath.join(self.body, text)
        elif scheme not in self.schemes or (scheme in LOCAL_SCHEMES) != self.is_local:
            raise PathOutsideStoreError(
                f"path {text!r} is outside the store root {self.uri!r} "
                f"(scheme {scheme + '://' if scheme else 'none'} does not belong to this store)"
            )
        local = scheme in LOCAL_SCHEMES
        if local and not rest.startswith("/"):
            raise InvalidPathError(f"path {text!r} is not an absolute local path")
        folded = _fold(rest, local)
        if folded is None or not self._body_inside(folded):
            raise PathOutsideStoreError(
                f"path {text!r} is outside the store root {self.uri!r}; "
                f"use a path under {self.uri.rstrip('/')}/"
            )
        return self.join(scheme, folded)

    def contains(self, path: PathType) -> bool:
        """Whether ``path`` (absolute, with or without scheme) resolves inside the root."""
        try:
            text = as_text(path)
        except InvalidPathError:
            return False
        if split_scheme(text)[0] == "" and not text.startswith("/"):
            return False  # relative paths belong to no store in particular
        try:
            self.resolve(text)
        except (PathOutsideStoreError, InvalidPathError):
            return False
        return True
