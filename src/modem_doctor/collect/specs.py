"""What the collector captures: the ``CAPTURES`` table, one ``Capture`` per output.

``Capture.id`` names the file in a bundle (``captures/<id>.txt``) and ``Capture.kind`` the
parser that reads it (a key of ``parse.PARSERS``; ``None`` when no parser reads it yet
and the text is kept for a human). A bundle's manifest repeats the kind of every capture,
so a bundle read later gives each parser the right text without guessing.

``script()`` turns the table into the shell text that runs on the host: the functions of
``collector.sh`` followed by one ``md_run`` line per capture. Commands may use ``$R``,
the root prefix (empty on a real host, a fake OpenWrt root in tests), and the helper
functions of ``collector.sh``. Every command is read-only.

Adding a capture is one line here. A capture that needs logic (one ``ifstatus`` per
modem interface) names a shell function in ``each``: the command then runs once per
word that function prints, with ``$md_i`` set to it, and the id gets ``.<word>``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

SCRIPT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "collector.sh")
PLACEHOLDER = "# @CAPTURES@"

# Default bounds; a capture can set its own.
TIMEOUT_S = 10
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Capture:
    id: str
    command: str  # shell text; '$R' is the root prefix
    kind: Optional[str]  # parser kind, or None when no parser reads it
    title: str
    when: str = ""  # shell condition; the capture runs only when it is true
    each: str = ""  # shell function printing words; one capture per word (id '<id>.<word>')
    timeout: int = TIMEOUT_S
    max_bytes: int = MAX_BYTES


_DEBUGFS = "$R/sys/kernel/debug/usb/devices"
# proto values that drive a modem (docs/openwrt-stack.md): their interfaces get ifstatus
MODEM_PROTOS = ("qmi", "mbim", "ncm", "3g", "modemmanager", "wwan")

CAPTURES: Tuple[Capture, ...] = (
    # USB: debugfs shows every configuration; the sysfs walk only the active one.
    Capture("usb.debugfs", f"cat {_DEBUGFS}", "usb_debugfs", "USB devices (debugfs)",
            when=f"[ -r {_DEBUGFS} ]"),
    Capture("usb.sysfs", "md_usb_sysfs", "usb_devices",
            "USB devices rebuilt from sysfs (active configuration only)", when="! md_ok usb.debugfs"),
    # logs
    Capture("dmesg", "dmesg", "dmesg", "kernel log"),
    Capture("logread", "logread", "logread", "system log (logread)"),
    # packages: apk on OpenWrt 25.12 and later, opkg before
    Capture("packages.apk", "apk list --installed", "apk_list", "installed packages (apk)",
            when="command -v apk >/dev/null 2>&1"),
    Capture("packages.opkg", "opkg list-installed", "opkg_list", "installed packages (opkg)",
            when="! command -v apk >/dev/null 2>&1"),
    # UCI
    Capture("config.network", "cat $R/etc/config/network", "uci_config", "/etc/config/network"),
    Capture("config.firewall", "cat $R/etc/config/firewall", "uci_config", "/etc/config/firewall"),
    Capture("uci.network", "uci show network", "uci_show", "uci show network"),
    # system
    Capture("openwrt_release", "cat $R/etc/openwrt_release", "openwrt_release", "/etc/openwrt_release"),
    Capture("board", "ubus call system board", "ubus_board", "ubus call system board"),
    # network state
    Capture("ip.addr", "ip addr", "ip_addr", "ip addr"),
    Capture("ip.route", "ip route", "ip_route", "ip route"),
    Capture("dev", "ls -l $R/dev", "ls_dev", "/dev entries"),
    Capture("ifstatus", "ifstatus $md_i", "ifstatus", "ifstatus of a modem interface",
            each="md_modem_ifaces", timeout=5),
    Capture("raw_ip", "md_raw_ip", "qmi_raw_ip", "/sys/class/net/*/qmi/raw_ip"),
    # cellular stack processes and USB mode switching
    Capture("processes", "md_procs", None, "ModemManager, uqmi, qmi-proxy, umbim processes"),
    Capture("usbmode.json", "ls -l $R/etc/usb-mode.json", None, "usb-mode.json present"),
    Capture("usbmode.list", "usbmode -l", None, "usbmode -l", when="command -v usbmode >/dev/null 2>&1"),
    Capture("hotplug.usb", "md_files $R/etc/hotplug.d/usb", None, "/etc/hotplug.d/usb files"),
)

BY_ID: Dict[str, Capture] = {capture.id: capture for capture in CAPTURES}

_WORD = re.compile(r"^[A-Za-z0-9_]+$")


def spec_for(capture_id: str) -> Optional[Capture]:
    """The spec behind a capture id, including per-word ids such as 'ifstatus.wwan'."""
    if capture_id in BY_ID:
        return BY_ID[capture_id]
    base = capture_id.split(".", 1)[0]
    spec = BY_ID.get(base)
    return spec if spec is not None and spec.each else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _call(capture: Capture) -> str:
    # Default bounds are left to the script ('' -> $MD_TIMEOUT / $MD_MAX), so a setting
    # can change them all; a capture with its own bound keeps it.
    tmo = "''" if capture.timeout == TIMEOUT_S else str(capture.timeout)
    cap = "''" if capture.max_bytes == MAX_BYTES else str(capture.max_bytes)
    run = f"md_run {capture.id} {tmo} {cap} {_quote(capture.command)}"
    if capture.each:
        # Words come from the host's configuration: only plain UCI names are used.
        run = (f"for md_i in $({capture.each}); do case $md_i in *[!A-Za-z0-9_]*) continue ;; esac; "
               f"md_run \"{capture.id}.$md_i\" {tmo} {cap} \"{capture.command}\"; done")
    if capture.when:
        run = f"if {capture.when}; then {run}; fi"
    return run


def script(settings: Optional[Dict[str, str]] = None, compact: bool = False) -> str:
    """The whole collector: optional settings (MD_ROOT, MD_TIMEOUT, MD_MAX), the
    functions of collector.sh, and one line per capture. ``compact`` leaves out comment
    lines, blank lines and indentation (what goes over the wire; about a third less)."""
    with open(SCRIPT_PATH, encoding="utf-8") as handle:
        body = handle.read()
    head = "".join(f"{name}={_quote(value)}\n" for name, value in sorted((settings or {}).items()))
    calls = "\n".join(_call(capture) for capture in CAPTURES)
    text = head + body.replace(PLACEHOLDER, calls, 1)
    if compact:
        # collector.sh has no here-documents and no multi-line strings that start a line
        # with '#', so a line that is a comment once stripped is a comment.
        text = "".join(line.lstrip("\t") + "\n" for line in text.splitlines()
                       if line.strip() and not line.lstrip().startswith("#"))
    return text


def shown_command(command: str) -> str:
    """The command as a user would type it on the host ('$R' is the root prefix)."""
    return command.replace('"$R"', "").replace("$R", "")
