"""``--share`` end to end: every bundled example through the real CLI, every command and
format, and nothing that identifies a person, a SIM or a unit survives.

The sensitive values are collected here, from the raw example text, with this file's own
patterns (not the redactor's), so a gap in ``modem_doctor.redact`` makes these tests fail
instead of agreeing with itself. What counts as sensitive: USB serial numbers
(``SerialNumber=``, ``SerialNumber:``, ``iSerial``), modem identities named by their label
(IMEI, MEID, ESN, FSN, IMSI, ICCID, equipment id), bare 15-digit numbers (IMEI/IMSI
shaped), ICCID-shaped numbers, international phone numbers, MAC addresses (all but the
vendor OUI), public IPv4/IPv6 addresses, and secrets in UCI (``option password/pincode/
pin/key``, ``uci show`` forms) or AT (``AT+CPIN=``, ``AT+CLCK="SC",...``).

Combinations a command does not offer (``parse``/``explain`` have no ``--share`` and no
``md`` at the time of writing) are expected failures, computed from the CLI's own argument
parser: once the option exists the mark goes away by itself and the test must pass.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from modem_doctor.cli import build_parser, main
from modem_doctor.load import example_names, read_example

COMMANDS = ("parse", "explain", "diagnose")
FORMATS = ("text", "json", "md")
PLACEHOLDER = re.compile(r"\[(?:MAC|SERIAL|IMEI|IMSI|ICCID|PHONE|PUBLIC-IP)-\d+\]|\[REDACTED\]")


# -- what the CLI offers ----------------------------------------------------------------
def _offers(command: str) -> Tuple[bool, Tuple[str, ...]]:
    """Whether ``command`` takes --share, and the formats it accepts."""
    parser = build_parser(only=command)
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse has no public walk
    cmd_parser = sub.choices[command]
    share = any("--share" in action.option_strings for action in cmd_parser._actions)
    formats: Tuple[str, ...] = ()
    for action in cmd_parser._actions:
        if "--format" in action.option_strings and action.choices:
            formats = tuple(action.choices)
    return share, formats


# -- the values that must not survive, found without the redactor ----------------------
_HOST_CONTROLLER = re.compile(
    r"(?:[eoux]hci|\.usb\b|dwc\d?|musb|dummy_hcd)|^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$", re.I
)
_SERIAL_LINES = (
    re.compile(r"(?m)SerialNumber\s*[=:]\s*(\S[^\n]*?)\s*$"),
    re.compile(r"(?m)\biSerial\s+\d+\s+(\S[^\n]*?)\s*$"),
)
_LABELLED_ID = re.compile(
    r"(?i)\b(?:IMEI|MEID|ESN|FSN|IMSI|ICCID|equipment id)\s*[:=]\s*'?([0-9A-Za-z]{8,20})'?(?:,\s*([0-9A-Fa-f]{8}))?"
)
_FIFTEEN_DIGITS = re.compile(r"(?<![\d.])\d{15}(?!\d)")
_ICCID = re.compile(r"(?<!\d)89\d{16,18}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])\+\d{8,15}(?!\d)")
_MAC = re.compile(r"(?<![0-9A-Fa-f:])((?:[0-9A-Fa-f]{2}[:-]){2}[0-9A-Fa-f]{2})[:-]((?:[0-9A-Fa-f]{2}[:-]){2}[0-9A-Fa-f]{2})(?![0-9A-Fa-f:])")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?i)(?<![0-9a-f:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![0-9a-f:])")
_SECRETS = (
    re.compile(r"(?im)^\s*option\s+(?:password|pincode|pin|puk|key|psk)\s+'?([^'\n]+?)'?\s*$"),
    re.compile(r"(?i)\.(?:password|pincode|pin|puk|key|psk)='([^'\n]*)'"),
    re.compile(r"(?i)AT\+CPIN\s*=\s*\"?(\d{4,8})\"?"),
    re.compile(r"(?i)AT\+CLCK\s*=\s*\"?SC\"?\s*,\s*\d\s*,\s*\"?(\d{4,8})\"?"),
)


def sensitive_values(text: str) -> Dict[str, Set[str]]:
    """Every identifying value in ``text``, by kind."""
    found: Dict[str, Set[str]] = {"serial": set(), "id": set(), "mac": set(), "ip": set(), "secret": set()}
    for pattern in _SERIAL_LINES:
        for match in pattern.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            if "strings:" in text[line_start:match.start()]:
                continue  # 'New USB device strings: ... SerialNumber=3' is a string index
            value = match.group(1).strip()
            if len(value) >= 4 and not _HOST_CONTROLLER.search(value):
                found["serial"].add(value)
    for match in _LABELLED_ID.finditer(text):
        found["id"].update(v for v in match.groups() if v)
    for pattern in (_FIFTEEN_DIGITS, _ICCID, _PHONE):
        found["id"].update(pattern.findall(text))
    for match in _MAC.finditer(text):
        tail = match.group(2).lower().replace("-", ":")
        if tail in ("00:00:00", "ff:ff:ff") and match.group(1).lower().replace("-", ":") in ("00:00:00", "ff:ff:ff"):
            continue
        found["mac"].add(match.group(0))
    for token in _IPV4.findall(text):
        try:
            if ipaddress.IPv4Address(token).is_global:
                found["ip"].add(token)
        except ValueError:
            pass
    for token in _IPV6.findall(text):
        try:
            address = ipaddress.IPv6Address(token)
            if token.count(":") >= 2 and address.is_global and not address.is_multicast:
                found["ip"].add(token)
        except ValueError:
            pass
    for pattern in _SECRETS:
        found["secret"].update(v.strip() for v in pattern.findall(text) if v.strip())
    return found


def leaks(output: str, values: Dict[str, Set[str]]) -> List[str]:
    """The values of ``values`` that appear in ``output``."""
    out: List[str] = []
    lowered = output.lower()
    for kind, items in values.items():
        for value in sorted(items):
            if kind == "mac":
                full = value.lower()
                tail = full.replace("-", ":")[9:]
                if full in lowered or re.search(r"(?<![0-9a-f:])" + re.escape(full.replace("-", ":")), lowered):
                    out.append(f"{kind}: {value}")
                elif re.search(r"[0-9a-f]{2}[:-]" + re.escape(tail).replace(":", "[:-]") + r"(?![0-9a-f])", lowered):
                    out.append(f"{kind} (past the OUI): {value}")
            elif value.isdigit() or kind == "secret":
                # Short digit strings (PINs) only count as whole tokens.
                if re.search(r"(?<![\w])" + re.escape(value) + r"(?![\w])", output):
                    out.append(f"{kind}: {value}")
            elif value.lower() in lowered:
                out.append(f"{kind}: {value}")
    return out


def _run(capsys: pytest.CaptureFixture, argv: List[str]) -> Tuple[int, str]:
    capsys.readouterr()
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out


def _check_status(command: str, fmt: str, status: int, out: str) -> None:
    """0/1 with output; 2 only as a refusal that printed nothing (explain without a USB
    listing), never as a usage error for --share or --format."""
    if status == 2:
        assert not out.strip(), f"{command} --format {fmt} --share exited 2 but printed output"
        share, formats = _offers(command)
        assert share and fmt in formats, f"{command} does not take --share --format {fmt}"
        return
    assert status in (0, 1), f"{command} --format {fmt} --share exited {status}"
    assert out.strip(), "no output"


EXAMPLES = example_names()
FIXTURES = Path(__file__).parent / "fixtures"
# Real captures kept by other tests, chosen for the identities the bundled examples lack:
# phone number and IMSI (mbimcli), IMEI and ICCID (AT), PIN and password (uci export),
# public IPv4 (routes, ifstatus), LAN-side MACs (firewall config).
IDENTITY_FIXTURES = (
    "modem/mbimcli/em7455-ready.txt",
    "modem/at/mu609-ready.txt",
    "modem/mmcli/xmm7360-227-sim-missing.txt",
    "uci/export_network_netjsonconfig316.txt",
    "uci/firewall4_default_ac35028.conf",
    "net/ip4_route_openwrt_packages16837.txt",
    "net/ifstatus_att_omr3542_truncated.txt",
)


def _marks(command: str, fmt: str) -> List[pytest.MarkDecorator]:
    share, formats = _offers(command)
    missing = [what for what, ok in (("--share", share), (f"--format {fmt}", fmt in formats)) if not ok]
    if missing:
        return [pytest.mark.xfail(reason=f"'{command}' has no {' and no '.join(missing)}", strict=True)]
    return []


def _cases() -> List[object]:
    return [
        pytest.param(command, fmt, name, marks=_marks(command, fmt), id=f"{command}-{fmt}-{name}")
        for command in COMMANDS
        for fmt in FORMATS
        for name in EXAMPLES
    ]


def _fixture_cases() -> List[object]:
    return [
        pytest.param(command, fmt, rel, marks=_marks(command, fmt), id=f"{command}-{fmt}-{rel}")
        for command in COMMANDS
        for fmt in FORMATS
        for rel in IDENTITY_FIXTURES
        if (FIXTURES / rel).is_file()
    ]


# -- the tests ---------------------------------------------------------------------------
def test_the_collector_finds_what_it_should() -> None:
    """The patterns above find real identities in real lines, and skip look-alikes."""
    text = "\n".join([
        "S:  SerialNumber=LQ72769427011020",
        "S:  SerialNumber=101c0000.ehci",
        "usb 1-1.5.2: New USB device strings: Mfr=2, Product=3, SerialNumber=4",
        "[ 1990.292146] usb 4-1: SerialNumber: 0123456789ABCDEF",
        "IMEI: 359072062755802",
        "ESN: 12814324261, 80DA9225",
        "FSN: LQ831502490110",
        "cdc_ether 1-1:1.0 usb0: register 'cdc_ether' at usb-ehci-platform-1, CDC Ethernet Device, 62:19:5f:2d:66:65",
        "inet 93.184.216.34/24 and 192.168.8.101 and 127.0.0.1",
        "\toption pincode '4321'",
        'AT+CLCK="SC",1,"1234"',
        "Sun Mar  5 17:13:55 2023 kernel version 5.15.150",
    ])
    found = sensitive_values(text)
    assert found["serial"] == {"LQ72769427011020", "0123456789ABCDEF"}
    assert {"359072062755802", "12814324261", "80DA9225", "LQ831502490110"} <= found["id"]
    assert found["mac"] == {"62:19:5f:2d:66:65"}
    assert found["ip"] == {"93.184.216.34"}
    assert found["secret"] == {"4321", "1234"}
    # And the leak check sees them when they are there, and not when only the OUI is.
    assert leaks("... 62:19:5f:2d:66:65 ...", found) == ["mac: 62:19:5f:2d:66:65"]
    assert leaks("... 62:19:5f:[MAC-1] ...", found) == []
    assert leaks("PIN 1234 given", found) == ["secret: 1234"]
    assert leaks("at 12345 seconds", found) == []


def test_the_examples_carry_identities() -> None:
    """Without identities in the inputs the --share tests below would prove nothing."""
    kinds: Set[str] = set()
    for name in EXAMPLES:
        kinds.update(kind for kind, values in sensitive_values(read_example(name)).items() if values)
    assert {"serial", "id", "mac", "secret"} <= kinds


def test_unshared_output_shows_identities_so_the_check_can_fail(capsys: pytest.CaptureFixture) -> None:
    """Some un-shared output does contain collected values: the leak check has teeth."""
    seen = []
    for name in EXAMPLES:
        values = sensitive_values(read_example(name))
        _, out = _run(capsys, ["diagnose", "--example", name, "--format", "json"])
        seen.extend(leaks(out, values))
    assert seen, "no identity from any example reaches un-shared output; the --share tests are vacuous"


@pytest.mark.parametrize(("command", "fmt", "name"), _cases())
def test_share_removes_every_identity(capsys: pytest.CaptureFixture, command: str, fmt: str, name: str) -> None:
    values = sensitive_values(read_example(name))
    status, out = _run(capsys, [command, "--example", name, "--format", fmt, "--share"])
    _check_status(command, fmt, status, out)
    assert leaks(out, values) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_without_share_nothing_is_redacted(capsys: pytest.CaptureFixture, name: str) -> None:
    """Plain output never carries pseudonyms; and where the input has nothing to hide,
    --share changes nothing at all (the redactor does not touch diagnosis text)."""
    values = sensitive_values(read_example(name))
    for fmt in FORMATS:
        _, plain = _run(capsys, ["diagnose", "--example", name, "--format", fmt])
        assert not PLACEHOLDER.search(plain), f"{fmt}: {PLACEHOLDER.search(plain).group(0)}"  # type: ignore[union-attr]
        if not any(values.values()):
            _, shared = _run(capsys, ["diagnose", "--example", name, "--format", fmt, "--share"])
            assert shared == plain, f"{fmt}: --share changed output of an input with nothing to hide"


@pytest.mark.parametrize(("command", "fmt", "rel"), _fixture_cases())
def test_share_removes_identities_from_real_captures(capsys: pytest.CaptureFixture, command: str, fmt: str, rel: str) -> None:
    path = FIXTURES / rel
    values = sensitive_values(path.read_text(encoding="utf-8", errors="replace"))
    assert any(values.values()), f"{rel} carries no identity any more; pick another capture"
    status, out = _run(capsys, [command, str(path), "--format", fmt, "--share"])
    _check_status(command, fmt, status, out)
    assert leaks(out, values) == []
