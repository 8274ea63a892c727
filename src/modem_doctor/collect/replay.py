"""Replay: a saved bundle stands in for a live host (``diagnose BUNDLE``,
``collect --replay BUNDLE --share -o shared.tar.gz`` to redact one after the fact)."""

from __future__ import annotations

from .bundle import Bundle, read_bundle


def replay(path: str) -> Bundle:
    """The bundle at ``path``, exactly as collected; ``InputError`` when it is damaged."""
    return read_bundle(path)
