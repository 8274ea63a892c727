"""``parse``/``explain`` ``--format json --share``: the parsed structure keeps no secret that
only its shape gives away (UCI options as name/values) or that JSON escaping hides from a
text redactor (quotes inside AT commands). Real captures from the fixtures and examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modem_doctor.cli import main

UCI = Path(__file__).parent / "fixtures" / "uci" / "export_network_netjsonconfig316.txt"


def _json(capsys: pytest.CaptureFixture, argv: list) -> str:
    capsys.readouterr()
    assert main(argv) in (0, 1)
    return capsys.readouterr().out


def test_uci_password_and_pincode_in_parse_json(capsys: pytest.CaptureFixture) -> None:
    text = UCI.read_text()
    assert "option password 'pwd123456'" in text and "option pincode '1234'" in text
    plain = _json(capsys, ["parse", str(UCI), "--format", "json"])
    assert "pwd123456" in plain  # the structure carries it: the check below can fail
    shared = _json(capsys, ["parse", str(UCI), "--format", "json", "--share"])
    assert "pwd123456" not in shared and '"1234"' not in shared
    assert shared.count('"[REDACTED]"') >= 2
    json.loads(shared)  # still valid JSON


def test_pin_inside_at_command_in_parse_json(capsys: pytest.CaptureFixture) -> None:
    plain = _json(capsys, ["parse", "--example", "rm502q-sim-pin", "--format", "json"])
    assert 'AT+CLCK=\\"SC\\",1,\\"1234\\"' in plain
    shared = _json(capsys, ["parse", "--example", "rm502q-sim-pin", "--format", "json", "--share"])
    assert "1234" not in shared and "2345" not in shared
    assert "AT+CLCK=" in shared  # the command is still shown, only the PIN is gone


def test_kernel_log_serial_and_its_parsed_copies(capsys: pytest.CaptureFixture) -> None:
    # t77w968-enum line 50: '[ 1990.292146] usb 4-1: SerialNumber: 0123456789ABCDEF'; the log
    # parser keeps the value again as the event's detail and attribute.
    plain = _json(capsys, ["parse", "--example", "t77w968-enum", "--format", "json"])
    assert plain.count("0123456789ABCDEF") >= 3
    shared = _json(capsys, ["parse", "--example", "t77w968-enum", "--format", "json", "--share"])
    assert "0123456789ABCDEF" not in shared
    event = next(
        e for item in json.loads(shared)["logs"] for e in item["value"]["events"] if e["line"] == 50
    )
    assert event["text"].endswith("usb 4-1: SerialNumber: " + event["detail"])
    assert event["detail"].startswith("[SERIAL-") and event["attrs"] == [["serialnumber", event["detail"]]]


CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "usb-listings"


@pytest.mark.parametrize("command", ["parse", "explain"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_serial_in_a_qualcomm_product_string(capsys: pytest.CaptureFixture, command: str, fmt: str) -> None:
    # 'S:  Product=SDXPRAIRIE-MTP _SN:719AB680' beside 'S:  SerialNumber=719ab680' (Compal RXM-G1)
    path = str(CORPUS / "05c6_9091_linux-usb-20230608-compal-rxm-g1.txt")
    plain = _json(capsys, [command, path, "--format", fmt])
    assert "719AB680" in plain  # the product string is shown: the check below can fail
    shared = _json(capsys, [command, path, "--format", fmt, "--share"])
    assert "719ab680" not in shared.lower()
    assert "SDXPRAIRIE-MTP _SN:[SERIAL-" in shared
