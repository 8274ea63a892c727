"""Property tests: the log, package and system parsers survive truncated, mutated, binary and
huge input, and never raise anything but InputError. Seeds are the real fixtures."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modem_doctor.errors import InputError
from modem_doctor.model.common import Line, number_lines, to_jsonable
from modem_doctor.parse import (
    apk_list,
    dmesg,
    logread,
    openwrt_release,
    opkg_errors,
    opkg_list,
    ubus_board,
    uname,
)

MODULES = [dmesg, logread, opkg_list, apk_list, opkg_errors, openwrt_release, ubus_board, uname]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS: List[str] = sorted(
    path.read_text(encoding="utf-8")
    for folder in ("log", "packages", "system")
    for path in (FIXTURES / folder).glob("*.txt")
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(module, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        result = module.parse(text)
    except InputError:
        return
    total = len(text.splitlines())
    assert result.kind == module.KIND
    for item in result.unparsed:
        assert 1 <= item.line <= total
    json.dumps(to_jsonable(result))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
@SETTINGS
@given(text=st.text(max_size=400))
def test_any_text(module, text: str) -> None:  # type: ignore[no-untyped-def]
    check(module, text)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
@SETTINGS
@given(data=st.binary(max_size=400))
def test_binary_decoded_as_a_user_would(module, data: bytes) -> None:  # type: ignore[no-untyped-def]
    check(module, data.decode("utf-8", errors="replace"))
    check(module, data.decode("latin-1"))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
@SETTINGS
@given(seed=st.sampled_from(SEEDS), cut=st.integers(min_value=0, max_value=4000))
def test_truncated_real_text(module, seed: str, cut: int) -> None:  # type: ignore[no-untyped-def]
    check(module, seed[:cut])
    check(module, seed[cut:])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
@SETTINGS
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=4000), st.sampled_from(["del", "ins", "dup"]), st.text(max_size=8)),
        max_size=8,
    ),
)
def test_mutated_real_text(module, seed: str, edits) -> None:  # type: ignore[no-untyped-def]
    text = seed
    for position, action, insert in edits:
        position = min(position, len(text))
        if action == "del":
            text = text[:position] + text[position + 3 :]
        elif action == "ins":
            text = text[:position] + insert + text[position:]
        else:
            text = text[:position] + text[position : position + 40] * 2 + text[position + 40 :]
    check(module, text)
    check(module, " ".join(text.split(" ")))  # collapsed spaces, as forums do


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
def test_parse_lines_keeps_original_numbers(module) -> None:  # type: ignore[no-untyped-def]
    for seed in SEEDS:
        lines = [Line(line.number + 1000, line.text) for line in number_lines(seed)]
        result = module.parse_lines(lines)
        assert all(item.line > 1000 for item in result.unparsed)
        if lines:
            assert (result.first_line, result.last_line) == (lines[0].number, lines[-1].number)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
def test_huge_input_stays_fast(module) -> None:  # type: ignore[no-untyped-def]
    # about 2 MB of real text; a regex that backtracks badly would take minutes
    text = "\n".join(SEEDS) * 12
    started = time.perf_counter()
    check(module, text)
    for line in ("a" * 200_000, "Jan  1 00:00:00 " + "a." * 100_000, "[ 1.0] usb " + "1-1." * 50_000 + ":"):
        check(module, line)
    assert time.perf_counter() - started < 60


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
def test_non_text_is_an_input_error(module) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        module.parse(b"[ 20.091055] usb 1-1: new")  # type: ignore[arg-type]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
def test_wrong_line_values_are_an_input_error(module) -> None:  # type: ignore[no-untyped-def]
    for bad in ("usb 1-1: new", [("1", "usb 1-1: new")], [Line(1, None)], None):  # type: ignore[arg-type]
        with pytest.raises(InputError):
            module.parse_lines(bad)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.KIND)
def test_more_than_the_input_limit_is_an_input_error(module) -> None:  # type: ignore[no-untyped-def]
    from modem_doctor.parse import MAX_INPUT_BYTES

    with pytest.raises(InputError):
        module.parse(" " * (MAX_INPUT_BYTES + 1))
