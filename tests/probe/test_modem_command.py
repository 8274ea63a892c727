"""`modem-doctor modem` end to end against the simulated MU609 on ptys (in-process, so the
simulators stop with the test)."""

from __future__ import annotations

import json
import os

import pytest

from modem_doctor.cli import main

pytest.importorskip("serial", reason="pyserial not installed (pip install '.[serial]')")

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "probe")


def test_json_output_carries_the_probe_and_the_diagnosis(modem, need_qmicli, capsys):
    sims = modem("pin-required")
    status = main(["modem", "--no-collect", "--port", sims[0].link, "--qmi", sims[1].link,
                   "--at-timeout", "1.5", "--format", "json", "--uci-dir", os.path.join(FIXTURES, "uci-wrong-apn")])
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert doc["schema"] == "modem-doctor/diagnosis/1"
    assert [c["kind"] for c in doc["probe"]["captures"]] == ["at_transcript", "qmicli"]
    assert "AT+CPIN?" in doc["probe"]["sent"] and not any(s.startswith("AT+CPIN=") for s in doc["probe"]["sent"])
    assert doc["probe"]["problems"] == []
    assert any(source.startswith("probe/at.") for source in doc["sources"])
    assert status in (0, 1)


def test_text_output_names_what_was_probed_and_a_hung_port(modem, capsys):
    sims = modem("port-hung", qmi=False)
    status = main(["modem", "--no-collect", "--port", sims[0].link, "--at-timeout", "1"])
    out = capsys.readouterr()
    assert status == 1
    assert out.out.startswith("Probed (read-only):\n")
    assert f"no answer from {sims[0].link} within 1 s to AT+CMEE? (timed out)" in out.err
    assert "hung" in out.err


def test_nothing_to_probe_is_a_clear_error(capsys, tmp_path):
    status = main(["modem", "--no-collect", "--port", str(tmp_path / "ttyUSB9")])
    err = capsys.readouterr().err
    assert status == 2
    assert "ttyUSB9: no such port" in err
