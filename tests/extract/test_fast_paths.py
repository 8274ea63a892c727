"""The extractor's shortcuts give the answers the full work would.

Speed comes from skipping work: a line is offered only to the signatures whose start
pattern can begin with its first character (``Signature.heads``), a prose line is read for
modem names only at word starts with one of the families' first two letters
(``_MODEL_HEADS``), for router names only when it holds one of their fixed pieces
(``_ROUTER_HINT``), a command line only against the shapes of its program, and patterns
are compiled when first used. Each shortcut is checked here against the pattern it
stands for (read with the standard library's own regular-expression parser) and, over
every line of every real fixture, against the slow way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from modem_doctor.extract import commands, signatures, statements
from modem_doctor.extract._lazy import LazyPattern
from modem_doctor.extract.signatures import SIGNATURES, candidates, first_start

try:  # Python 3.11+
    import re._constants as sre_constants  # type: ignore[import]
    import re._parser as sre_parse  # type: ignore[import]
except ImportError:  # Python 3.9, 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "modem_doctor" / "examples"

_CATEGORIES = {
    sre_constants.CATEGORY_DIGIT: "DIGIT",
    sre_constants.CATEGORY_WORD: "WORD",
    sre_constants.CATEGORY_SPACE: "SPACE",
}
_REPEATS = tuple(
    getattr(sre_constants, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre_constants, name)
)


def _first(items: List[Tuple[object, object]]) -> Tuple[Set[str], bool]:
    """What a parsed pattern can match first (characters, or DIGIT/WORD/SPACE/ANY) and
    whether it can match the empty string."""
    found: Set[str] = set()
    for op, arg in items:
        heads, empty = _first_of(op, arg)
        found |= heads
        if not empty:
            return found, False
    return found, True


def _first_of(op: object, arg) -> Tuple[Set[str], bool]:  # type: ignore[no-untyped-def]
    if op is sre_constants.LITERAL:
        return {chr(arg)}, False
    if op is sre_constants.IN:
        found: Set[str] = set()
        for kind, value in arg:
            if kind is sre_constants.LITERAL:
                found.add(chr(value))
            elif kind is sre_constants.RANGE:
                found.update(chr(code) for code in range(value[0], value[1] + 1))
            elif kind is sre_constants.CATEGORY and value in _CATEGORIES:
                found.add(_CATEGORIES[value])
            else:
                return {"ANY"}, False
        return found, False
    if op is sre_constants.SUBPATTERN:
        return _first(list(arg[-1]))
    if op is sre_constants.BRANCH:
        found, empty = set(), False
        for alternative in arg[1]:
            heads, can_be_empty = _first(list(alternative))
            found |= heads
            empty |= can_be_empty
        return found, empty
    if op in _REPEATS:
        low, _high, sub = arg
        heads, empty = _first(list(sub))
        return heads, empty or low == 0
    if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return set(), True  # consumes nothing (a lookaround only narrows what follows)
    if op is sre_constants.CATEGORY and arg in _CATEGORIES:
        return {_CATEGORIES[arg]}, False
    return {"ANY"}, False


def first_characters(pattern: str) -> Set[str]:
    heads, empty = _first(list(sre_parse.parse(pattern)))
    return heads | {"ANY"} if empty else heads


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda signature: f"{type(signature).__name__}-{signature.kind}")
def test_heads_cover_what_the_start_pattern_can_begin_with(signature: signatures.Signature) -> None:
    missing = []
    for head in first_characters(signature.start.pattern):
        if head == "ANY":
            ok = signature.heads is None
        elif head == "DIGIT":
            ok = signature.heads is None or signature.head_digit or signature.head_word
        elif head == "WORD":
            ok = signature.heads is None or signature.head_word
        elif head == "SPACE" or head.isspace():
            ok = True  # a text starting with a space is offered to every signature
        else:
            ok = signature.can_start(head)
        if not ok:
            missing.append(head)
    assert not missing, f"{signature.kind}: heads miss {sorted(missing)}"


def test_a_digit_or_letter_outside_ascii_reaches_the_signatures_that_take_any():
    ip_brief = [signature for signature in candidates("\u0663") if signature.kind == "ip_addr"]
    assert ip_brief  # '\d' and '\w' match Arabic-Indic digits too
    assert all(signature.kind != "lsusb" for signature in candidates("\u0663"))
    assert candidates(" ") == SIGNATURES and candidates("") == SIGNATURES


def _fixture_lines() -> List[str]:
    lines: List[str] = []
    for root in (FIXTURES, EXAMPLES):
        for path in sorted(root.rglob("*.txt")):
            lines.extend(line.strip() for line in path.read_text(errors="replace").splitlines())
    return [line for line in lines if line]


LINES = _fixture_lines()


def test_first_start_equals_trying_every_signature_on_every_fixture_line():
    assert len(LINES) > 20000
    started = 0
    for text in LINES:
        slow = next((signature for signature in SIGNATURES if signature.starts(text)), None)
        assert first_start(text) is slow, text
        started += slow is not None
    assert started > 5000


def _prefixes(items: List[Tuple[object, object]], size: int) -> Set[str]:
    """Every prefix of ``size`` characters of the strings a parsed pattern matches
    (shorter strings when the pattern ends sooner); literals and character sets only."""
    if size == 0 or not items:
        return {""}
    (op, arg), rest = items[0], items[1:]
    result: Set[str] = set()
    for head in _item_prefixes(op, arg, size):
        if len(head) == size:
            result.add(head)
        else:
            result.update(head + tail for tail in _prefixes(rest, size - len(head)))
    return result


def _item_prefixes(op: object, arg, size: int) -> Set[str]:  # type: ignore[no-untyped-def]
    if op is sre_constants.LITERAL:
        return {chr(arg)}
    if op is sre_constants.IN:
        chars: Set[str] = set()
        for kind, value in arg:
            if kind is sre_constants.LITERAL:
                chars.add(chr(value))
            elif kind is sre_constants.RANGE:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:
                raise AssertionError(f"unexpected set member {kind}")
        return chars
    if op is sre_constants.SUBPATTERN:
        return _prefixes(list(arg[-1]), size)
    if op is sre_constants.BRANCH:
        return set().union(*(_prefixes(list(alternative), size) for alternative in arg[1]))
    if op in _REPEATS:
        low, high, sub = arg
        results: Set[str] = set()
        current = {""}
        for count in range(0, min(high, low + size) + 1):
            if count >= low:
                results |= current
            current = {text + more for text in current if len(text) < size for more in _prefixes(list(sub), size - len(text))} | {
                text for text in current if len(text) >= size
            }
        return results
    raise AssertionError(f"unexpected pattern item {op}")


def test_model_heads_cover_every_family():
    heads = re.compile(r"(?:" + statements._MODEL_HEADS + r")\Z", re.IGNORECASE)
    prefixes = _prefixes(list(sre_parse.parse(statements._MODEL_FAMILIES)), 2)
    assert len(prefixes) > 30 and {"EC", "T9", "SI", "E3"} <= prefixes
    assert all(len(prefix) == 2 for prefix in prefixes)
    assert [prefix for prefix in prefixes if not heads.match(prefix)] == []


def _strings(items: List[Tuple[object, object]]) -> Set[str]:
    """Every string a small parsed pattern matches, spaces standing for '\\s' and
    repeats taken at their least and one more."""
    results = {""}
    for op, arg in items:
        results = {text + more for text in results for more in _item_strings(op, arg)}
    return results


def _item_strings(op: object, arg) -> Set[str]:  # type: ignore[no-untyped-def]
    if op is sre_constants.LITERAL:
        return {chr(arg)}
    if op is sre_constants.IN:
        chars = set()
        for kind, value in arg:
            if kind is sre_constants.LITERAL:
                chars.add(chr(value))
            elif kind is sre_constants.CATEGORY and value == sre_constants.CATEGORY_SPACE:
                chars.update(" \t")
            else:
                raise AssertionError(f"unexpected set member {kind}")
        return chars
    if op is sre_constants.SUBPATTERN:
        return _strings(list(arg[-1]))
    if op is sre_constants.BRANCH:
        return set().union(*(_strings(list(alternative)) for alternative in arg[1]))
    if op in _REPEATS:
        low, high, sub = arg
        once = _strings(list(sub))
        results: Set[str] = set()
        current = {""}
        for count in range(0, min(high, low + 1) + 1):
            if count >= low:
                results |= current
            current = {text + more for text in current for more in once}
        return results
    if op is sre_constants.AT:
        return {""}
    raise AssertionError(f"unexpected pattern item {op}")


def test_router_hint_is_in_every_router_name():
    checked = 0
    for pattern, _board in statements.ROUTERS:
        for name in _strings(list(sre_parse.parse(pattern.pattern))):
            for text in (name, name.lower(), f"my {name.lower()} router"):
                if pattern.search(text):
                    checked += 1
                    assert statements._ROUTER_HINT.search(text), text
    assert checked > 100


def test_shapes_by_program_equal_trying_every_shape():
    candidates_seen, matched = 0, 0
    for text in LINES + ["/etc/init.d/modemmanager restart", "sudo lsusb -t", "ls -l /dev/ttyUSB*", "grep cdc /var/log/messages"]:
        for line in (text, text.lstrip("#$ ")):
            candidate = line.strip()
            if candidate.startswith("sudo "):
                candidate = candidate[5:].lstrip()
            if not candidate or len(candidate) > 300:
                continue
            program = candidate.split(None, 1)[0]
            if program not in commands._PROGRAMS and not program.startswith("/etc/init.d/"):
                continue
            candidates_seen += 1
            slow = any(shape.match(candidate) for shape in commands._BARE_SHAPES)
            fast = any(shape.match(candidate) for shape in commands._shapes_for(program))
            assert fast == slow, candidate
            matched += slow
    assert candidates_seen > 200 and 100 < matched < candidates_seen
    assert all(commands._shapes_for(program) for program in commands._PROGRAMS)


def test_a_lazy_pattern_compiles_once_and_then_is_the_compiled_pattern():
    lazy = LazyPattern(r"Bus\s+(\d{3})")
    assert "match" not in vars(lazy)
    assert lazy.match("Bus 001 Device 002").group(1) == "001"
    assert vars(lazy)["match"].__self__ is vars(lazy)["search"].__self__  # one compiled pattern
    assert [match.group(1) for match in lazy.finditer("Bus 001; Bus 002")] == ["001", "002"]
    assert lazy.sub("X", "Bus 003") == "X"
    with pytest.raises(AttributeError):
        lazy.no_such_method  # noqa: B018
