"""In the virtual lab: the simulated MU609 in configuration 1 behind the real option,
qmi_wwan and cdc-wdm drivers, set up as a qmi interface with a wrong APN, then with
pdptype ipv4v6, then missing from the wan zone; `modem-doctor modem --local` (ports from
the knowledge base and dmesg, AT through the BusyBox helper, the real qmicli) diagnoses
each (probe/lab.py, docs/probing.md). One VM boot for the three steps."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from modem_doctor.probe import plan

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("lab: qemu-system-x86_64 is not installed (Debian qemu-system-x86)")
    if shutil.which("busybox") is None:
        pytest.skip("lab: busybox is not installed")
    from modem_doctor.lab.rig import LabError, build

    try:
        build()
    except LabError as error:
        pytest.skip(f"lab: cannot build the rig: {error}")
    from modem_doctor.lab import run_scenario

    out = tmp_path_factory.mktemp("probe_lab")
    facts = run_scenario("mu609", out, ["quick", "no-mm", "no-collect", "probe", "scenario=operator-apn-ipv4-only"],
                         timeout=600)
    if "probe.ok" not in facts:
        pytest.fail("the mu609 lab scenario did not run the probe steps (its '-O probe' hook is missing)")
    return facts, Path(str(out))


def _doc(out: Path, step: str):
    return json.loads((out / "probe" / f"{step}.json").read_text())


def _probe_common(doc):
    probe = doc["probe"]
    assert [c["id"] for c in probe["captures"]][:2] == ["at.ttyUSB2", "qmicli.cdc-wdm0"]  # chosen, not given
    assert probe["problems"] == []
    for command in probe["sent"]:
        plan.check_at(command)
    assert [m["vid"] + ":" + m["pid"] for m in doc["modems"]] == ["12d1:1573"]


def test_wrong_apn(lab):
    facts, out = lab
    doc = _doc(out, "wrong-apn")
    _probe_common(doc)
    finding = next(f for f in doc["findings"] if f["code"] == "REG003")
    assert "'internet'" in finding["title"] and "#33" in finding["title"]
    assert "apn" in finding["fix"].lower()


def test_pdptype_ipv4v6(lab):
    facts, out = lab
    doc = _doc(out, "pdptype-ipv4v6")
    _probe_common(doc)
    finding = next(f for f in doc["findings"] if f["code"] == "REG004")
    assert "#50" in finding["title"]
    assert "pdptype" in finding["fix"].lower()


def test_not_in_wan_zone(lab):
    facts, out = lab
    doc = _doc(out, "not-in-wan-zone")
    _probe_common(doc)
    assert not any(f["code"] in ("REG003", "REG004") for f in doc["findings"])
    finding = next(f for f in doc["findings"] if f["code"] == "NET003")
    assert "wwan" in finding["title"]


def test_the_vm_left_nothing_running(lab):
    facts, _out = lab
    alive = [p for p in facts.get("processes", []) if isinstance(p, dict) and p.get("alive")]
    assert alive == []
