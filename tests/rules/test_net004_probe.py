"""NET004 on the router-side data-path probe: its dp.<iface>.<step> frames get parser kinds
(probe/run.py) and the ping and lookup are tied to the interface by the capture id, since
the ping's command names the device only through the shell ('-I "$(mp_dp_dev IFACE)"')."""

from __future__ import annotations

import os

from modem_doctor.collect.bundle import Bundle, CaptureResult
from modem_doctor.load import build_host
from modem_doctor.probe.datapath import checks, shell_calls
from modem_doctor.probe.run import extractions, result_from_bundle
from modem_doctor.rules.context import build_context
from modem_doctor.rules.net004_connected_but_no_traffic import check

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _read(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _command(capture_id: str) -> str:
    """The command the probe script really runs for a frame (from datapath.shell_calls)."""
    line = next(call for call in shell_calls(["QUECTEL1"]) if call.startswith(f"md_run {capture_id} "))
    return line.split(" '' ", 1)[1].strip("'")


def _bundle(ping: str, ping_stderr: str = "") -> Bundle:
    status = _read("rules/net004/ifstatus_quectel1_modemmanager_omr3050_fragment.txt").split("\n", 1)[1]
    frames = (
        ("dp.QUECTEL1.ifstatus", status, ""),
        ("dp.QUECTEL1.route", _read("net/ip_route_wwan0_raspap1277.txt"), ""),
        ("dp.QUECTEL1.dns", _read("rules/net004/nslookup_ok_busybox.txt"), ""),
        ("dp.QUECTEL1.ping", ping, ping_stderr),
    )
    return Bundle(tuple(CaptureResult(cid, _command(cid), 0, 10, text.encode(), stderr) for cid, text, stderr in frames))


def test_probe_frames_get_kinds_and_a_lost_ping_fires() -> None:
    result = result_from_bundle(_bundle(_read("rules/net004/ns_ping_bb_wwan0_loss.txt")))
    assert [(c.id, c.kind) for c in result.captures] == [
        ("dp.QUECTEL1.ifstatus", "ifstatus"), ("dp.QUECTEL1.route", "ip_route"),
        ("dp.QUECTEL1.dns", "nslookup"), ("dp.QUECTEL1.ping", "ping")]
    (finding,) = check(build_context(build_host(extractions(result))))
    assert finding.title == "Pings through wwan0 (cellular interface 'QUECTEL1') get no answer from 192.0.0.1: 2 sent, 0 received"
    assert finding.evidence[0].artifact.startswith("probe/dp.QUECTEL1.ping")
    assert [(c.step, c.ok) for c in checks(result.captures)][-1] == ("ping", False)


def test_probe_keeps_pings_stderr() -> None:
    # BusyBox prints the PING line on stdout and the failure on stderr
    stdout, stderr = _read("rules/net004/ping_bb_unreach.txt").split("\n", 1)
    result = result_from_bundle(_bundle(stdout + "\n", stderr))
    (finding,) = check(build_context(build_host(extractions(result))))
    assert finding.title.endswith("get no answer from 192.0.2.1: Network is unreachable")


def test_probe_silent_when_everything_answers() -> None:
    result = result_from_bundle(_bundle(_read("rules/net004/ping_bb_ok.txt")))
    assert list(check(build_context(build_host(extractions(result))))) == []
