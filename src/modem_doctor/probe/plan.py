"""What a probe sends: the read-only command lists for AT, QMI (uqmi, qmicli) and MBIM
(umbim, mbimcli), and the guard that refuses anything that could change the modem.

Every list here only reads. The guard (``check_at``) is applied to each AT command just
before it is written to a port, so a mistake in a list (or a command given by hand) cannot
reach the modem: set forms (``AT+CFUN=1``, ``AT+COPS=0``, ``AT+CPIN=1234``,
``AT+CGDCONT=1,...``) are refused unless their whole text is one of the known query forms
(``AT+QCFG="usbnet"`` with one argument reads the setting).

Why some vendor queries are left out:

- ``AT^GETPORTMODE`` freezes the MU609's AT port for about 20 s in some firmware;
  ``AT^SETPORT?`` tells the same composition without that;
- ``AT!USBCOMP?`` needs ``AT!ENTERCND`` first, which unlocks the Sierra command set: that
  is a change of state, so the USB composition of Sierra modules is read from USB only;
- registration is read with the ``?`` forms only: ``AT+CREG=2`` would change what the
  modem reports afterwards (and URCs it sends to other programs). Reject causes come from
  ``AT+CEER``.

Standard library only.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from ..errors import ProbeError

# Identity, SIM, signal, registration, operator, function level, PDP contexts, last error.
AT_COMMON: Tuple[str, ...] = (
    "ATI",
    "AT+CGMI",
    "AT+CGMM",
    "AT+CGMR",
    "AT+CGSN",
    "AT+CPIN?",
    "AT+CPINR=\"SIM*\"",
    "AT+CCID",
    "AT+CSQ",
    "AT+CESQ",
    "AT+CREG?",
    "AT+CGREG?",
    "AT+CEREG?",
    "AT+COPS?",
    "AT+CFUN?",
    "AT+CGATT?",
    "AT+CGDCONT?",
    "AT+CGACT?",
    "AT+CGPADDR",
    "AT+CEER",
)

# Vendor forms: PIN retries, ICCID, signal, radio mode, USB composition.
AT_VENDOR: Dict[str, Tuple[str, ...]] = {
    "huawei": ("AT^CPIN?", "AT^ICCID?", "AT^HCSQ?", "AT^SYSINFOEX", "AT^SYSCFG?", "AT^SYSCFGEX?", "AT^SETPORT?"),
    "quectel": ("AT+QPINC?", "AT+QCCID", "AT+QCSQ", "AT+QNWINFO", "AT+QCFG=\"nwscanmode\"", "AT+QCFG=\"usbnet\""),
    "sierra": ("AT!PINREM?", "AT!ICCID?", "AT!GSTATUS?", "AT!SELRAT?"),
}

# USB vendor ids -> the AT dialect (Quectel's older modules use Qualcomm's 05c6).
VENDOR_BY_VID: Dict[str, str] = {"12d1": "huawei", "2c7c": "quectel", "05c6": "quectel", "1199": "sierra"}
_VENDOR_WORDS = (("huawei", "huawei"), ("quectel", "quectel"), ("sierra", "sierra"))

# Execution forms (no '?', no '=') that only read.
_READ_EXEC = frozenset({
    "ATI", "ATI0", "AT", "AT+CGMI", "AT+CGMM", "AT+CGMR", "AT+CGSN", "AT+GMI", "AT+GMM", "AT+GMR", "AT+GSN",
    "AT+CIMI", "AT+CCID", "AT+CSQ", "AT+CESQ", "AT+CGPADDR", "AT+CEER", "AT+CNUM", "AT+GCAP",
    "AT^SYSINFO", "AT^SYSINFOEX", "AT^HCSQ", "AT^ICCID", "AT+QCCID", "AT+QCSQ", "AT+QNWINFO", "AT+QGMR",
    "AT!GSTATUS", "AT!PINREM", "AT!ICCID",
})
# Set forms that are queries in the vendor's manual: one quoted name, no value.
_READ_SET = (
    re.compile(r'^AT\+QCFG="[a-z0-9_/]+"$', re.I),
    re.compile(r'^AT\+CPINR(?:="[A-Z0-9 *-]*")?$', re.I),
    re.compile(r'^AT\+CGPADDR=\d+(?:,\d+)*$', re.I),
)
_NEVER = frozenset({"AT^GETPORTMODE"})  # freezes the MU609's port (see above)
# The one setting a probe may change, because it restores it before closing the port:
# error reporting. With +CMEE=0 (many modems' default) a missing SIM is a bare 'ERROR';
# +CMEE=2 says 'SIM not inserted'. ``at_channel.transcript`` reads +CMEE? first, sets 2,
# and writes the old value back at the end, so other users of the port see no change.
RESTORABLE = re.compile(r"^AT\+CMEE=[0-2]$", re.I)


def check_at(command: str, restoring: bool = False) -> str:
    """The command if it only reads; ``ProbeError`` otherwise. One command per call:
    ';' chains and line breaks are refused. ``restoring``: the caller sets a ``RESTORABLE``
    setting and puts it back afterwards."""
    text = command.strip()
    if restoring and RESTORABLE.match(text):
        return text
    upper = text.upper()
    if not upper.startswith("AT") or any(ch in text for ch in "\r\n;") or len(text) > 80:
        raise ProbeError(f"refusing to send {text!r}: one AT command per line, read-only")
    base = re.split(r"[?=]", upper, 1)[0]
    if base in _NEVER:
        raise ProbeError(f"refusing to send {text}: it can freeze the port (use AT^SETPORT? instead)")
    if upper.endswith("=?") or (upper.endswith("?") and "=" not in upper):
        return text  # test and read forms
    if upper in _READ_EXEC:
        return text
    if any(pattern.match(text) for pattern in _READ_SET):
        return text
    raise ProbeError(f"refusing to send {text}: it could change the modem's state, and probing only reads")


def at_commands(vendor: Optional[str]) -> Tuple[str, ...]:
    """The read-only AT probe for a vendor dialect ('' or None: the 27.007 core only)."""
    return AT_COMMON + AT_VENDOR.get(vendor or "", ())


def vendor_of(vid: Optional[str] = None, ati_text: str = "") -> str:
    """The AT dialect from a USB vendor id, else from what ATI printed; '' when unknown."""
    if vid and vid.lower() in VENDOR_BY_VID:
        return VENDOR_BY_VID[vid.lower()]
    low = ati_text.lower()
    for word, vendor in _VENDOR_WORDS:
        if word in low:
            return vendor
    return ""


# -- QMI ---------------------------------------------------------------------------------------
# qmicli (Linux): each option is one qmicli run. A pty (the simulators, some USB-serial
# bridges) is not a cdc-wdm node: qmicli then needs --device-open-qmi.
QMICLI: Tuple[str, ...] = (
    "--dms-get-manufacturer",
    "--dms-get-model",
    "--dms-get-revision",
    "--dms-get-ids",
    "--dms-get-operating-mode",
    "--uim-get-card-status",
    "--dms-uim-get-pin-status",
    "--nas-get-signal-info",
    "--nas-get-serving-system",
    "--nas-get-system-selection-preference",
    "--wds-get-packet-service-status",
    "--wds-get-current-settings",
    "--wda-get-data-format",
)

# uqmi (OpenWrt): -s prints one JSON value (or a quoted error string) per call. No -t:
# uqmi before 2023 has no such option; the probe's watchdog bounds each call instead.
UQMI: Tuple[str, ...] = (
    "--get-manufacturer",
    "--get-model",
    "--get-revision",
    "--get-pin-status",
    "--uim-get-sim-state",
    "--get-signal-info",
    "--get-serving-system",
    "--get-system-info",
    "--get-data-status",
    "--wda-get-data-format",
    "--get-current-settings",
)

# -- MBIM --------------------------------------------------------------------------------------
MBIMCLI: Tuple[str, ...] = (
    "--query-device-caps",
    "--query-subscriber-ready-status",
    "--query-pin-state",
    "--query-radio-state",
    "--query-registration-state",
    "--query-signal-state",
    "--query-packet-service-state",
    "--query-connection-state",
    "--query-ip-configuration",
)
# umbim (OpenWrt): -n no-open-close is not used; every call opens and closes the device.
UMBIM: Tuple[str, ...] = ("caps", "pinstate", "subscriber", "registration", "status")

_QMI_READ = re.compile(r"^--(?:dms-get-|dms-uim-get-|uim-get-|nas-get-|wds-get-|wda-get-|get-|uim-get-)[a-z0-9-]+$")
_MBIM_READ = re.compile(r"^--query-[a-z0-9-]+$")


def check_tool_args(tool: str, option: str) -> str:
    """A uqmi/qmicli/mbimcli/umbim option if it only reads; ``ProbeError`` otherwise."""
    if tool in ("qmicli", "uqmi") and _QMI_READ.match(option):
        return option
    if tool == "mbimcli" and _MBIM_READ.match(option):
        return option
    if tool == "umbim" and option in UMBIM:
        return option
    raise ProbeError(f"refusing to run {tool} {option}: probing only reads")


__all__ = [
    "AT_COMMON", "AT_VENDOR", "MBIMCLI", "QMICLI", "UMBIM", "UQMI", "VENDOR_BY_VID",
    "at_commands", "check_at", "check_tool_args", "vendor_of",
]
