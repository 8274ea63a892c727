"""The data-path check's shell calls under BusyBox ash, with a stand-in `ifstatus` that
prints a real captured `ifstatus` (tests/fixtures/net, OpenMPTCProuter issue 3542), and
their reading as pass/fail lines."""

from __future__ import annotations

import os
import shutil

import pytest

from modem_doctor.probe.datapath import checks, shell_calls
from modem_doctor.probe.run import Targets, probe_shell

BUSYBOX = shutil.which("busybox")
FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "net",
                       "ifstatus_att_omr3542_truncated.txt")
pytestmark = pytest.mark.skipif(BUSYBOX is None, reason="busybox not installed")


def _stub(tmp_path, device=None):
    with open(FIXTURE, encoding="utf-8") as handle:
        text = handle.read().split("\n", 1)[1]  # the JSON after the pasted '# ifstatus ATT' line
    if device:
        text = text.replace('"eth0.4"', f'"{device}"')
    (tmp_path / "ifstatus.out").write_text(text)
    stub = tmp_path / "bin" / "ifstatus"
    stub.parent.mkdir()
    stub.write_text(f"#!/bin/sh\n[ \"$1\" = ATT ] || exit 1\ncat {tmp_path / 'ifstatus.out'}\n")
    stub.chmod(0o755)
    return {"PATH": f"{stub.parent}:{os.environ.get('PATH', '')}"}


def _run(tmp_path, monkeypatch, device=None):
    for key, value in _stub(tmp_path, device).items():
        monkeypatch.setenv(key, value)
    calls = shell_calls(["ATT"], target="127.0.0.1", name="localhost")
    result = probe_shell(Targets(), datapath=calls, shell=[BUSYBOX, "sh"])
    return {(c.step): c for c in checks(result.captures, name="localhost")}


def test_interface_up_but_its_device_missing(tmp_path, monkeypatch):
    got = _run(tmp_path, monkeypatch)
    assert got["up"].ok
    assert not got["address"].ok
    assert not got["default route"].ok and "eth0.4" in got["default route"].detail
    assert not got["ping"].ok


def test_a_device_that_answers(tmp_path, monkeypatch):
    got = _run(tmp_path, monkeypatch, device="lo")
    assert got["up"].ok
    assert got["address"].ok and got["address"].detail.startswith("127.0.0.1/")
    assert got["ping"].ok and "127.0.0.1 answered through lo" == got["ping"].detail


def test_only_plain_interface_names_reach_the_shell():
    assert [c for c in shell_calls(["wwan; reboot", "a$(id)"]) if c.startswith("md_run")] == []
