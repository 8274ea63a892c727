"""Regular expressions compiled on first use.

Compiling the extractor's patterns costs tens of milliseconds, paid by every run at start,
while most runs need only a few of them (a paste holds a handful of kinds of output). A
``LazyPattern`` compiles when a method is first called and then puts the compiled
pattern's methods on itself, so later calls cost what calls on a compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """A stand-in for ``re.compile(pattern, flags)`` that compiles on first use."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> "re.Pattern[str]":
        compiled = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            setattr(self, name, getattr(compiled, name))
        self.compiled = lambda: compiled  # type: ignore[method-assign]
        return compiled

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not set yet: the first call of a method compiles.
        if name in _METHODS:
            return getattr(self.compiled(), name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> Any:
    """``re.compile`` deferred to the first use (typed as a compiled pattern for callers)."""
    return LazyPattern(pattern, flags)
