"""ping and nslookup parsers on real captures (tests/fixtures/rules/net004/SOURCE.md)."""

from __future__ import annotations

import os

import pytest

from modem_doctor.errors import InputError
from modem_doctor.extract.commands import kind_for_command
from modem_doctor.load import load_text
from modem_doctor.model.reach import PingResult
from modem_doctor.parse import nslookup, ping

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "rules", "net004")


def _read(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def _ping(name: str) -> PingResult:
    parsed = ping.parse(_read(name))
    assert parsed.unparsed == ()
    (result,) = parsed.value.results
    return result


@pytest.mark.parametrize("name,tool", [("ping_bb_ok.txt", "busybox"), ("ping_ipu_ok.txt", "iputils")])
def test_answered_ping(name: str, tool: str) -> None:
    result = _ping(name)
    assert (result.target, result.address, result.tool) == ("127.0.0.1", "127.0.0.1", tool)
    assert (result.transmitted, result.received, result.loss_percent, result.replies) == (2, 2, 0, 2)
    assert result.answered is True and result.line == 6 and (result.first_line, result.last_line) == (1, 7)


@pytest.mark.parametrize("name,tool", [("ping_bb_loss.txt", "busybox"), ("ping_ipu_loss.txt", "iputils")])
def test_all_packets_lost(name: str, tool: str) -> None:
    result = _ping(name)
    assert (result.target, result.tool, result.transmitted, result.received, result.loss_percent) == ("10.99.2.2", tool, 2, 0, 100)
    assert result.answered is False and result.line == 4 and result.error == ""


def test_errors_before_any_packet() -> None:
    unreachable = _ping("ping_bb_unreach.txt")
    assert (unreachable.target, unreachable.error, unreachable.line, unreachable.answered) == (
        "192.0.2.1", "Network is unreachable", 2, False)
    assert _ping("ping_ipu_unreach.txt").error == "Network is unreachable"
    assert _ping("ping_bb_nodev.txt").error == "bad address 'wwan0'"
    assert _ping("ping_ipu_nodev.txt").error == "SO_BINDTODEVICE wwan0: No such device"
    bad = _ping("ping_bb_badaddr.txt")
    assert (bad.target, bad.error) == ("nonexistent.invalid", "bad address 'nonexistent.invalid'")
    resolve = _ping("ping_ipu_badaddr.txt")
    assert (resolve.target, resolve.error) == ("nonexistent.invalid", "Temporary failure in name resolution")


def test_two_pings_in_one_block_stay_two() -> None:
    parsed = ping.parse(_read("ping_bb_ok.txt") + _read("ping_bb_unreach.txt"))
    first, second = parsed.value.results
    assert first.answered is True and second.error == "Network is unreachable" and second.first_line == 8


def test_nslookup_answer() -> None:
    parsed = nslookup.parse(_read("nslookup_ok_busybox.txt"))
    assert parsed.unparsed == ()
    (lookup,) = parsed.value.lookups
    # the server's own 'Address: 127.0.0.1:53' is not an answer
    assert (lookup.name, lookup.server, lookup.addresses, lookup.line) == ("openwrt.org", "127.0.0.1", ("192.0.2.10",), 6)
    assert lookup.resolved is True


@pytest.mark.parametrize("name", ["nslookup_refused_busybox.txt", "nslookup_timeout_busybox.txt"])
def test_nslookup_no_server(name: str) -> None:
    parsed = nslookup.parse(_read(name))
    assert parsed.unparsed == ()
    (lookup,) = parsed.value.lookups
    assert lookup.error == "connection timed out; no servers could be reached" and lookup.line == 2
    assert lookup.resolved is False and lookup.addresses == ()


def test_commands_and_content_find_the_kinds() -> None:
    assert kind_for_command("ping -c 2 -W 2 -I wwan0 1.1.1.1") == "ping"
    assert kind_for_command("busybox nslookup openwrt.org 127.0.0.1") == "nslookup"
    text = ("The modem is connected but nothing loads:\n\n" + _read("ping_bb_unreach.txt") + "\nDNS:\n\n"
            + _read("nslookup_timeout_busybox.txt"))
    host = load_text(text, "paste.txt")
    assert [(a.kind, a.first_line, a.last_line) for a in host.artifacts] == [("ping", 3, 4), ("nslookup", 8, 9)]
    assert [f.kind for f in host.network] == ["ping", "nslookup"]


def test_bad_input_raises_input_error_only() -> None:
    with pytest.raises(InputError):
        ping.parse(b"PING")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        nslookup.parse_lines("Server: x")  # type: ignore[arg-type]
    assert ping.parse("hello\n").unparsed[0].reason == "not a ping line"
