"""Shared building blocks of the model: numbered lines, parse results, JSON output.

Every fact the tool reports must point back at the line of user text that proves it,
so parsers work on ``Line`` values that keep the number the line had in the user's
original input, even after paste extraction has unquoted or re-joined it.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, List, Sequence, Tuple, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Line:
    """One line of input: its 1-based number in the original text and its content."""

    number: int
    text: str


@dataclass(frozen=True)
class Unparsed:
    """A line a parser saw but could not turn into a fact, kept so gaps stay visible."""

    line: int
    text: str
    reason: str = ""


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """What one parser understood (``value``) plus the lines it did not."""

    kind: str
    value: T
    unparsed: Tuple[Unparsed, ...] = ()
    first_line: int = 0
    last_line: int = 0


@dataclass(frozen=True)
class Evidence:
    """A cited line: which artifact (capture or paste block) and which line of it."""

    artifact: str
    line: int
    text: str


def number_lines(text: str, first: int = 1) -> Tuple[Line, ...]:
    """Split text into ``Line`` values numbered from ``first``; any newline style works."""
    return tuple(Line(first + index, raw) for index, raw in enumerate(text.splitlines()))


def to_jsonable(value: Any) -> Any:
    """Turn model values (dataclasses, enums, tuples) into plain JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A field marked metadata={"json": False} holds working data, not output (the input's text).
        return {
            f.name: to_jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.metadata.get("json", True)
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        items = [to_jsonable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return value


def unparsed_from(lines: Iterable[Line], reason: str = "") -> Tuple[Unparsed, ...]:
    """Mark every given line as unparsed, with one shared reason."""
    return tuple(Unparsed(line.number, line.text, reason) for line in lines)


@dataclass
class UnparsedCollector:
    """Mutable helper a parser fills while it walks its lines; frozen when done."""

    items: List[Unparsed] = field(default_factory=list)

    def add(self, line: Line, reason: str = "") -> None:
        self.items.append(Unparsed(line.number, line.text, reason))

    def freeze(self) -> Tuple[Unparsed, ...]:
        return tuple(self.items)


def line_span(lines: Sequence[Line]) -> Tuple[int, int]:
    """The first and last original line numbers of a block (0, 0 when empty)."""
    if not lines:
        return (0, 0)
    return (lines[0].number, lines[-1].number)
