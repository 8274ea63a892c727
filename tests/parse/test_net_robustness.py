"""Every UCI and network-state parser against damaged input: the only exception that
may escape is InputError, line numbers stay inside the input, results serialise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.errors import InputError
from modem_doctor.model.common import Line, to_jsonable
from modem_doctor.parse import parse as registry_parse
from modem_doctor.parse import parse_lines as registry_parse_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

KINDS = ("uci_config", "uci_show", "ip_addr", "ip_route", "ifconfig", "ifstatus", "ls_dev")

# Each kind with the real fixtures it reads.
SAMPLES = {
    "uci_config": sorted((FIXTURES / "uci").glob("*.conf")),
    "uci_show": sorted((FIXTURES / "uci").glob("uci_show_*.txt")),
    "ip_addr": sorted(p for p in (FIXTURES / "net").glob("*.txt") if "ip_" in p.name and "route" not in p.name),
    # mail-quoted text ('> ') reaches a parser only after paste extraction has unquoted it
    "ip_route": sorted(p for p in (FIXTURES / "net").glob("*route*.txt") if "quoted" not in p.name),
    "ifconfig": sorted((FIXTURES / "net").glob("*ifconfig*.txt")),
    "ifstatus": sorted(list((FIXTURES / "net").glob("ifstatus_*.txt")) + list((FIXTURES / "net").glob("ubus_*.txt"))),
    "ls_dev": sorted((FIXTURES / "net").glob("ls_*.txt")),
}
ALL_TEXTS = [path.read_text(encoding="utf-8") for paths in SAMPLES.values() for path in paths]


def check(kind: str, text: str) -> None:
    parsed = registry_parse(kind, text)
    count = max(1, len(text.splitlines()))
    for item in parsed.unparsed:
        assert 1 <= item.line <= count
    json.dumps(to_jsonable(parsed))


@pytest.mark.parametrize("kind", KINDS)
def test_every_sample_reads_something(kind: str) -> None:
    assert SAMPLES[kind], kind
    for path in SAMPLES[kind]:
        parsed = registry_parse(kind, path.read_text(encoding="utf-8"))
        value = parsed.value
        items = (
            getattr(value, "sections", None)
            or getattr(value, "interfaces", None)
            or getattr(value, "routes", None)
            or getattr(value, "statuses", None)
            or getattr(value, "entries", None)
            or getattr(value, "missing", None)
        )
        assert items, path.name


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_on_every_other_kinds_output(kind: str) -> None:
    # Wrong-kind input is read as junk: unparsed lines, never an exception.
    for text in ALL_TEXTS:
        check(kind, text)


@pytest.mark.parametrize("kind", KINDS)
def test_huge_input_is_read(kind: str) -> None:
    sample = SAMPLES[kind][0].read_text(encoding="utf-8")
    text = (sample + "\n") * max(1, 200_000 // max(1, len(sample)))
    check(kind, text)


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_types_are_input_errors(kind: str) -> None:
    with pytest.raises(InputError):
        registry_parse(kind, b"\x00binary")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        registry_parse_lines(kind, [("1", "text")])  # type: ignore[list-item]


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(KINDS), text=st.text(max_size=300))
def test_random_text(kind: str, text: str) -> None:
    check(kind, text)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    sample=st.integers(min_value=0, max_value=len(ALL_TEXTS) - 1),
    cut=st.integers(min_value=0, max_value=20_000),
    insert=st.text(max_size=20),
    at=st.integers(min_value=0, max_value=20_000),
)
def test_truncated_and_mutated_real_output(kind: str, sample: int, cut: int, insert: str, at: int) -> None:
    text = ALL_TEXTS[sample][:cut]
    at = min(at, len(text))
    check(kind, text[:at] + insert + text[at:])


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), data=st.binary(max_size=300))
def test_binary_decoded_as_text(kind: str, data: bytes) -> None:
    check(kind, data.decode("utf-8", errors="replace"))


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), sample=st.integers(min_value=0, max_value=len(ALL_TEXTS) - 1),
       offset=st.integers(min_value=1, max_value=10_000))  # fmt: skip
def test_numbered_lines_keep_their_numbers(kind: str, sample: int, offset: int) -> None:
    lines = [Line(offset + i, text) for i, text in enumerate(ALL_TEXTS[sample].splitlines())]
    parsed = registry_parse_lines(kind, lines)
    for item in parsed.unparsed:
        assert offset <= item.line < offset + len(lines)
    if lines:
        assert (parsed.first_line, parsed.last_line) == (offset, offset + len(lines) - 1)


@pytest.mark.parametrize("kind", KINDS)
def test_collapsed_whitespace_gives_the_same_facts(kind: str) -> None:
    # Forums and mail collapse runs of spaces and drop indentation; nothing read may change.
    for path in SAMPLES[kind]:
        text = path.read_text(encoding="utf-8")
        collapsed = "\n".join(" ".join(line.split()) for line in text.splitlines())
        original = registry_parse(kind, text)
        damaged = registry_parse(kind, collapsed)
        assert to_jsonable(damaged.value) == to_jsonable(original.value), path.name
        assert [u.line for u in damaged.unparsed] == [u.line for u in original.unparsed], path.name
