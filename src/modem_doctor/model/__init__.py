"""Typed, immutable facts about one host. One module per area; this package re-exports the shared ones."""

from __future__ import annotations

from .common import Evidence, Line, Parsed, Unparsed, number_lines, to_jsonable

__all__ = ["Evidence", "Line", "Parsed", "Unparsed", "number_lines", "to_jsonable"]
