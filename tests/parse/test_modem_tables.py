"""The decode tables in data/modem/ are consistent, and the names they hold for 3GPP causes
are the ones the real qmicli and mbimcli print (checked live against the simulators, which
encode only the cause number: the name comes from libqmi/libmbim)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from modem_doctor.parse._modem_common import call_end, cause_by_mbim_name, cme_error, reject_cause
from modem_doctor.sim.pty import start

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "src", "modem_doctor", "data", "modem")


def _table(name: str):  # type: ignore[no-untyped-def]
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return json.load(handle)


CAUSES = _table("3gpp-causes.json")
CALL_END = _table("qmi-call-end.json")
CME = _table("cme-errors.json")


def test_every_entry_has_a_name_and_advice() -> None:
    for kind in ("mm", "sm"):
        for code, entry in CAUSES[kind].items():
            assert code.isdigit() and entry["name"] and len(entry["advice"]) > 20, (kind, code)
    for code, entry in CME["codes"].items():
        assert code.isdigit() and entry["text"] and entry["advice"], code
    for code, entry in CALL_END["reasons"].items():
        assert code.isdigit() and entry["name"] and entry["class"] in {"apn", "auth", "pdp-type", "coverage", "sim",
                                                                        "network", "modem"}, code


def test_names_are_unique_and_lead_back_to_their_number() -> None:
    mbim = [entry["mbim"] for entry in CAUSES["mm"].values() if "mbim" in entry]
    assert len(mbim) == len(set(mbim))
    for code, entry in CAUSES["mm"].items():
        if "mbim" in entry:
            assert cause_by_mbim_name(entry["mbim"]) == int(code)
    verbose = [entry["qmi_verbose"] for entry in CAUSES["sm"].values() if "qmi_verbose" in entry]
    assert set(verbose) <= set(CALL_END["by_name"])  # every verbose name has a class
    assert cme_error(None, "SIM not inserted") == (10, cme_error(10)[1])
    assert reject_cause(999) == {} and reject_cause(None) == {}


def test_call_end_prefers_the_3gpp_cause() -> None:
    # qmicli: 'call end reason (1014): gsm-wcdma-unknown-pdp' / 'verbose (6,50): [3gpp] ipv4-only-allowed'
    decoded = call_end(1014, "gsm-wcdma-unknown-pdp", 6, 50, "ipv4-only-allowed")
    assert decoded["class"] == "pdp-type" and decoded["cause"] == "#50 PDP type IPv4 only allowed"
    assert call_end(3, "generic-no-service")["class"] == "coverage"
    assert call_end(None, "gsm-wcdma-something-new") == {}  # unknown: nothing invented


def _run(tool: str, link: str, args: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip("%s not installed (Debian libqmi-utils / libmbim-utils)" % tool)
    argv = [path, "--device-open-qmi", "-d", link, args] if tool == "qmicli" else [path, "-d", link, args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    return result.stdout + result.stderr


@pytest.mark.parametrize("code", sorted(int(c) for c, e in CAUSES["sm"].items() if "qmi_verbose" in e))
def test_sm_names_are_what_qmicli_prints(code: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    simulator = start("qmi", "ec25", "wrong-apn", link=str(tmp_path / "qmi"), overrides={"data.apn_reject_cause": code})
    try:
        out = _run("qmicli", simulator.link or "", "--wds-start-network=apn=internet,ip-type=4")
    finally:
        simulator.stop()
    match = re.search(r"verbose call end reason \(6,(\d+)\): \[3gpp\] (\S+)", out)
    assert match, out
    assert (int(match.group(1)), match.group(2)) == (code, CAUSES["sm"][str(code)]["qmi_verbose"])
    legacy = re.search(r"call end reason \((\d+)\): (\S+)", out)
    assert legacy and CALL_END["reasons"][legacy.group(1)]["name"] == legacy.group(2)


@pytest.mark.parametrize("code", sorted(int(c) for c, e in CAUSES["mm"].items() if "mbim" in e))
def test_mm_names_are_what_mbimcli_prints(code: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    simulator = start("mbim", "em7455", "registration-denied", link=str(tmp_path / "mbim"),
                      overrides={"registration.reject_cause": code})
    try:
        out = _run("mbimcli", simulator.link or "", "--query-registration-state")
    finally:
        simulator.stop()
    match = re.search(r"Network error: '([^']+)'", out)
    assert match and match.group(1) == CAUSES["mm"][str(code)]["mbim"], out
