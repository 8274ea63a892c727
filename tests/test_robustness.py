"""Bad input never breaks the tool: every registered parser and the paste extractor get
truncated, mutated, binary and huge input built from real captured text, and the only
exception allowed out is ``InputError``; the CLI turns binary, huge and garbage input into
one line on stderr and exit status 2.

Parsers are found through ``parse.PARSERS``, so a parser added later is covered without a
change here; one whose module does not exist yet is skipped, with the reason shown.
"""

from __future__ import annotations

import importlib.util
import io
import random
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modem_doctor import parse
from modem_doctor.cli import main
from modem_doctor.errors import InputError
from modem_doctor.extract import extract
from modem_doctor.load import load_text
from modem_doctor.model.common import Parsed, number_lines

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parser_params() -> List[object]:
    params: List[object] = []
    for kind, module in sorted(parse.PARSERS.items()):
        if importlib.util.find_spec(f"{parse.__name__}.{module}") is None:
            reason = f"parser module parse/{module}.py for {kind!r} does not exist yet"
            params.append(pytest.param(kind, marks=pytest.mark.skip(reason=reason)))
        else:
            params.append(kind)
    return params


PARSER_KINDS = _parser_params()


@lru_cache(maxsize=None)
def seeds_by_kind() -> Dict[str, str]:
    """One real output per kind, cut out of the fixtures by the extractor (capped in size)."""
    found: Dict[str, str] = {}
    for path in sorted(FIXTURES.glob("*/*.*")):
        if path.parent.name == "corpus" or path.suffix == ".md":
            continue
        for block in extract(path.read_text(encoding="utf-8", errors="replace"), path.name).blocks:
            if block.kind not in found:
                found[block.kind] = "\n".join(line.text for line in block.lines[:150])
    return found


@lru_cache(maxsize=None)
def seeds() -> Tuple[str, ...]:
    texts = [(FIXTURES / "pastes" / "we826-mu609.txt").read_text(encoding="utf-8")]
    texts.extend(seeds_by_kind()[kind] for kind in sorted(seeds_by_kind()))
    return tuple(texts)


# Fragments that make parsers take unusual paths: markers, brackets, separators, odd spaces.
FRAGMENTS = [
    "\x00", "\r", "\t", "\n", " ", "=", ":", "*", "[", "]", "{", "}", "(", ")", "'", '"', "#", "\\", "|__",
    "\u00a0", "\ufffd", "\u200b", "é", "0", "9", "-1", "0x", "ff", "T:", "C:*", "I:*", "If#=", "Driver=",
    "Cfg#=", "#Ifs=", "Vendor=", "Bus 001 Device 002: ID ", "[ 1.000000] ", "usb 1-1.2: ", "config ",
    "option ", "list ", "network.wan.", "=''", "inet ", "link/ether ", "default via ", "Collected errors:",
    " * ", "DISTRIB_RELEASE=", '"release": {', "99999999999999999999", "-" * 300,
]


@st.composite
def truncated(draw: Callable[..., object]) -> str:
    text = draw(st.sampled_from(seeds()))
    assert isinstance(text, str)
    start = draw(st.integers(min_value=0, max_value=len(text)))
    end = draw(st.integers(min_value=start, max_value=len(text)))
    assert isinstance(start, int) and isinstance(end, int)
    return text[start:end]


@st.composite
def mutated(draw: Callable[..., object]) -> str:
    text = draw(st.sampled_from(seeds()))
    assert isinstance(text, str)
    chars = list(text)
    steps = draw(st.integers(min_value=1, max_value=12))
    assert isinstance(steps, int)
    for _ in range(steps):
        where = draw(st.integers(min_value=0, max_value=max(len(chars), 0)))
        action = draw(st.sampled_from(("insert", "delete", "replace", "duplicate")))
        assert isinstance(where, int)
        if action == "insert":
            chars[where:where] = list(str(draw(st.sampled_from(FRAGMENTS))))
        elif action == "delete":
            span = draw(st.integers(min_value=1, max_value=40))
            assert isinstance(span, int)
            del chars[where : where + span]
        elif action == "replace" and where < len(chars):
            chars[where] = str(draw(st.sampled_from(FRAGMENTS)))
        else:
            chars[where:where] = chars[max(0, where - 80) : where]
    return "".join(chars)


# Binary data as a parser would see it after a lenient decode.
binary = st.binary(max_size=3000).map(lambda data: data.decode("latin-1"))
ANY_TEXT = st.one_of(truncated(), mutated(), binary, st.text(max_size=600))


def only_input_error(call: Callable[[], object]) -> object:
    try:
        return call()
    except InputError:
        return None


def _module(kind: str):  # type: ignore[no-untyped-def]
    return parse.parser_module(kind)


@pytest.mark.parametrize("kind", PARSER_KINDS)
@SETTINGS
@given(text=ANY_TEXT)
def test_parser_survives_bad_input(kind: str, text: str) -> None:
    module = _module(kind)
    result = only_input_error(lambda: module.parse(text))
    assert result is None or isinstance(result, Parsed)
    result = only_input_error(lambda: module.parse_lines(number_lines(text, first=11)))
    assert result is None or isinstance(result, Parsed)


@pytest.mark.parametrize("kind", PARSER_KINDS)
def test_parser_survives_huge_input(kind: str) -> None:
    """A real output of the parser's own kind repeated to 256 KB, and one 1 MB line."""
    module = _module(kind)
    seed = seeds_by_kind().get(kind) or seeds()[0]
    repeated = (seed + "\n") * (256 * 1024 // (len(seed) + 1) + 1)
    result = only_input_error(lambda: module.parse(repeated))
    assert result is None or isinstance(result, Parsed)
    one_line = (seeds()[0].replace("\n", " ") * 80)[: 1024 * 1024]
    only_input_error(lambda: module.parse(one_line))


@SETTINGS
@given(text=ANY_TEXT)
def test_extractor_survives_bad_input(text: str) -> None:
    extraction = extract(text, "fuzz")
    last = 0
    for block in extraction.blocks:
        assert block.kind in parse.PARSERS
        assert 1 <= block.first_line <= block.last_line <= max(extraction.line_count, 1)
        assert block.first_line > last or last == 0  # in order, never overlapping
        assert all(block.first_line <= line.number <= block.last_line for line in block.lines)
        last = block.last_line
    for command in extraction.commands:
        assert 1 <= command.line <= extraction.line_count
    only_input_error(lambda: load_text(text, "fuzz"))


def test_extractor_on_20_megabytes() -> None:
    """The case thread pasted 1,397 times over: every copy's four blocks are found."""
    thread = seeds()[0].rstrip("\n") + "\n"
    copies = 20_000_000 // len(thread)
    extraction = extract(thread * copies, "huge")
    assert len(extraction.blocks) == 4 * copies
    assert extraction.blocks[-1].last_line == (copies - 1) * 270 + 259


def test_decode_refuses_more_than_the_limit() -> None:
    data = (FIXTURES / "pastes" / "we826-mu609.txt").read_bytes()
    huge = data * (parse.MAX_INPUT_BYTES // len(data) + 1)
    with pytest.raises(InputError, match="limit"):
        parse.decode_input(huge, "huge")


# ----- the command line ---------------------------------------------------------------


def _cli(argv: List[str], capsys: pytest.CaptureFixture[str]) -> Tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _one_line_error(status: int, out: str, err: str) -> None:
    assert status == 2
    assert out == ""
    assert err.startswith("modem-doctor: ") and err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_binary_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _cli(["parse", sys.executable], capsys)
    _one_line_error(status, out, err)
    assert "binary" in err and sys.executable in err


def test_cli_huge_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (FIXTURES / "pastes" / "we826-mu609.txt").read_bytes()
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        for _ in range(parse.MAX_INPUT_BYTES // len(data) + 1):
            handle.write(data)
    status, out, err = _cli(["parse", str(path)], capsys)
    _one_line_error(status, out, err)
    assert "limit" in err and str(path) in err


def test_cli_undecodable_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(2)
    garbage = bytes(rng.randrange(128, 256) for _ in range(20000))
    path = tmp_path / "garbage.bin"
    path.write_bytes(garbage)
    status, out, err = _cli(["parse", str(path)], capsys)
    _one_line_error(status, out, err)
    assert "UTF-8" in err


def test_cli_text_with_nothing_in_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the real thread with every line reversed: text, but nothing a parser or reader knows
    reversed_text = "\n".join(line[::-1] for line in seeds()[0].splitlines())
    path = tmp_path / "reversed.txt"
    path.write_text(reversed_text, encoding="utf-8")
    status, out, err = _cli(["parse", str(path)], capsys)
    _one_line_error(status, out, err)
    assert "nothing recognisable" in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=2000), truncated().map(lambda text: text.encode("utf-8")), mutated().map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_cli_any_stdin(data: bytes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    status, out, err = _cli(["parse", "-"], capsys)
    if status == 2:
        _one_line_error(status, out, err)
    else:
        assert status == 0 and err == "" and out
