"""LuCI's interface error lines read back into netifd codes, on real pastes: the bundled
rm502q-sim-pin example (Quectel forum 36169, lines 10/12/14: 'Error: Unknown error
(NO_REGISTRATION)', 'Error: PIN code rejected') and OpenWrt forum 248352 (line 4); see
src/modem_doctor/examples/README.md and tests/fixtures/pastes/SOURCE.md."""

from __future__ import annotations

import os

import pytest

from modem_doctor.errors import InputError
from modem_doctor.load import load_example, load_paths, read_example
from modem_doctor.model.modem import ifstatus_errors
from modem_doctor.parse import PARSERS, parse
from modem_doctor.parse.luci_errors import codes_of

PASTES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "pastes")


def test_registered() -> None:
    assert PARSERS["luci_errors"] == "luci_errors"


def test_example_lines_become_netifd_codes() -> None:
    parsed = parse("luci_errors", read_example("rm502q-sim-pin"))
    (status,) = parsed.value.statuses
    assert status.interface == ""  # LuCI's overview line does not carry the name when copied
    assert [(e.code, e.line) for e in status.errors] == [("NO_REGISTRATION", 10), ("PIN_FAILED", 12),
                                                         ("NO_REGISTRATION", 14)]
    assert status.errors[1].data == ("PIN code rejected",)
    # everything else of the post (prose, the AT session) is not LuCI's
    assert {u.line for u in parsed.unparsed} == set(range(1, 30)) - {10, 12, 14}


def test_extraction_takes_only_the_error_lines() -> None:
    host = load_example("rm502q-sim-pin")
    found = [(a.kind, a.first_line, a.last_line) for a in host.artifacts if a.kind == "luci_errors"]
    assert found == [("luci_errors", 10, 10), ("luci_errors", 12, 12), ("luci_errors", 14, 14)]
    assert [(e.code, e.line) for _a, _s, e in ifstatus_errors(host, "PIN_FAILED", "NO_REGISTRATION")] == [
        ("NO_REGISTRATION", 10), ("PIN_FAILED", 12), ("NO_REGISTRATION", 14)]


def test_forum_paste_line() -> None:
    host = load_paths([os.path.join(PASTES, "forum-248352-rm500u.txt")])
    assert [(e.code, e.line) for _a, _s, e in ifstatus_errors(host)] == [("NO_REGISTRATION", 4)]


def test_messages_from_the_luci_tables() -> None:
    assert codes_of("PIN code rejected") == ("PIN_FAILED",)
    assert codes_of("Call failed") == ("CALL_FAILED",)  # luci-proto-qmi registers it
    assert codes_of("Unable to determine device name") == ("NO_IFACE", "NO_IFNAME")
    assert codes_of("Unknown error (NO_REGISTRATION)") == ("NO_REGISTRATION",)
    assert codes_of("SIM failure") == ()


def test_bad_input_is_input_error() -> None:
    with pytest.raises(InputError):
        parse("luci_errors", b"Error: PIN code rejected")  # type: ignore[arg-type]
