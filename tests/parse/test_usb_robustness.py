"""Every USB parser survives truncated, mixed, mutated, binary and huge input.

Inputs are built from the real fixtures (tests/fixtures/usb, the corpus): slices at any
line, lines of one format fed to another parser, characters dropped or replaced, random
text and control characters. The only error a parser may raise is InputError, and only
for a non-text argument; every result must stay self-consistent.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.model.common import Line, number_lines, to_jsonable
from modem_doctor.model.usb import DriverState, UsbListing
from modem_doctor.parse import lsusb, lsusb_tree, lsusb_verbose, usb_debugfs, usb_devices

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PARSERS = [usb_debugfs, usb_devices, lsusb, lsusb_tree, lsusb_verbose]
SOURCES = sorted((FIXTURES / "usb").glob("*.txt")) + sorted((FIXTURES / "usb").glob("*.md")) + sorted(
    (FIXTURES / "corpus" / "usb-listings").glob("*.txt")
)[::25]
REAL_LINES: List[str] = [line for path in SOURCES for line in path.read_text(encoding="utf-8").splitlines()]


def _check(parsed, lines: List[Line]) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(parsed.value, UsbListing)
    numbers = {line.number for line in lines}
    for item in parsed.unparsed:
        assert item.line in numbers
    for device in parsed.value.devices:
        assert device.first_line in numbers or not numbers
        for config in device.configs:
            for item in config.interfaces:
                assert (item.driver is not None) == (item.driver_state is DriverState.BOUND)
                assert item.line in numbers
                for endpoint in item.endpoints:
                    assert endpoint.direction in ("in", "out")
                    assert endpoint.transfer in ("control", "isochronous", "bulk", "interrupt")
    to_jsonable(parsed)


@pytest.mark.parametrize("parser", PARSERS, ids=[p.KIND for p in PARSERS])
@settings(max_examples=120, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=len(REAL_LINES) - 1),
    length=st.integers(min_value=0, max_value=120),
    edits=st.lists(st.tuples(st.integers(min_value=0, max_value=119), st.integers(min_value=0, max_value=200), st.text(max_size=3)), max_size=8),
)
def test_slices_of_real_text_with_edits(parser, start: int, length: int, edits) -> None:  # type: ignore[no-untyped-def]
    texts = REAL_LINES[start : start + length]
    for row, column, replacement in edits:
        if texts:
            row %= len(texts)
            text = texts[row]
            texts[row] = text[:column] + replacement + text[column + 1 :]
    lines = [Line(1000 + index, text) for index, text in enumerate(texts)]
    _check(parser.parse_lines(lines), lines)


@pytest.mark.parametrize("parser", PARSERS, ids=[p.KIND for p in PARSERS])
@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=600))
def test_random_and_control_characters(parser, text: str) -> None:  # type: ignore[no-untyped-def]
    parsed = parser.parse(text)
    _check(parsed, list(number_lines(text)))


@pytest.mark.parametrize("parser", PARSERS, ids=[p.KIND for p in PARSERS])
def test_huge_input_stays_linear(parser) -> None:  # type: ignore[no-untyped-def]
    # every real line twenty times over (~60,000 lines), parsed in one go
    text = "\n".join(REAL_LINES * 20)
    parsed = parser.parse(text)
    _check(parsed, list(number_lines(text)))


@pytest.mark.parametrize("parser", PARSERS, ids=[p.KIND for p in PARSERS])
def test_non_text_is_an_input_error(parser) -> None:  # type: ignore[no-untyped-def]
    from modem_doctor.errors import InputError

    with pytest.raises(InputError):
        parser.parse(b"\x00\x01binary")
