"""The data-path check on a router: is the modem's interface up, does it have an address,
does the default route go through it, does DNS resolve, do packets get through it.

Everything is read-only and bounded: ``ifstatus`` (netifd's view), ``ip addr``/``ip route``
of the interface's device, one DNS lookup, and a ping bound to the device (``-I``) with a
count and a deadline. The shell calls go into the probe script (``run.ssh_script``); each
is one ``md_run`` frame, so a hang costs its own bound only. ``checks()`` reads the frames
back as one pass/fail line each.

Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Sequence, Tuple

PING_TARGET = "1.1.1.1"  # any address outside the operator; only reachability matters
DNS_NAME = "openwrt.org"
_IFACE = re.compile(r"^[A-Za-z0-9_]{1,15}$")

# mp_dp_dev IFACE: the L3 device netifd uses for IFACE (its _4 sub-interface for qmi's
# DHCP), from ifstatus' "l3_device"; empty when the interface is down.
HELPER = r'''
mp_dp_dev() {
	for mp_i in "$1_4" "$1"; do
		mp_d=$(ifstatus "$mp_i" 2> /dev/null | sed -n 's/.*"l3_device": *"\([^"]*\)".*/\1/p' | head -n 1)
		[ -n "$mp_d" ] && { echo "$mp_d"; return 0; }
	done
	return 1
}
'''


def shell_calls(ifaces: Sequence[str], target: str = PING_TARGET, name: str = DNS_NAME) -> List[str]:
    """md_run lines for the probe script: one set per UCI interface name."""
    calls: List[str] = [HELPER] if ifaces else []
    for iface in ifaces:
        if not _IFACE.match(iface):
            continue  # only plain UCI names reach the shell
        calls.extend([
            f"md_run dp.{iface}.ifstatus 5 '' 'ifstatus {iface}'",
            f"md_run dp.{iface}.addr 5 '' 'ip addr show dev \"$(mp_dp_dev {iface})\"'",
            f"md_run dp.{iface}.route 5 '' 'ip route show default'",
            f"md_run dp.{iface}.dns 8 '' 'nslookup {name}'",
            f"md_run dp.{iface}.ping 8 '' 'ping -c 2 -W 2 -I \"$(mp_dp_dev {iface})\" {target}'",
        ])
    return calls


@dataclass(frozen=True)
class DataPathCheck:
    iface: str
    step: str  # 'up', 'address', 'default route', 'dns', 'ping'
    ok: bool
    detail: str


def checks(captures: Sequence[Any], name: str = DNS_NAME) -> Tuple[DataPathCheck, ...]:
    """Pass/fail per step from the ``dp.*`` captures of a ProbeResult."""
    by_id = {c.id: c for c in captures if c.id.startswith("dp.")}
    ifaces = sorted({c.split(".")[1] for c in by_id})
    out: List[DataPathCheck] = []
    for iface in ifaces:
        def text(step: str) -> str:
            capture = by_id.get(f"dp.{iface}.{step}")
            return capture.text if capture is not None else ""

        status = text("ifstatus")
        up = '"up": true' in status
        out.append(DataPathCheck(iface, "up", up, "netifd reports it up" if up else "netifd reports it down"))
        device = re.search(r'"l3_device":\s*"([^"]+)"', status)
        addr = re.search(r"inet6? ([0-9a-f.:]+/\d+)", text("addr"))
        out.append(DataPathCheck(iface, "address", bool(addr), addr.group(1) if addr else "no address on the device"))
        dev = device.group(1) if device else ""
        route = next((line for line in text("route").splitlines() if dev and f" dev {dev}" in line + " "), "")
        out.append(DataPathCheck(iface, "default route", bool(route),
                                 route or f"the default route does not go through {dev or iface}"))
        dns = text("dns")
        answer = dns.split(name, 1)[1] if name in dns else ""
        resolved = "Address" in answer and "can't" not in dns and "NXDOMAIN" not in dns
        out.append(DataPathCheck(iface, "dns", resolved, f"{name} resolved" if resolved else "no DNS answer"))
        ping = re.search(r"(\d+) packets received", text("ping")) or re.search(r"(\d+) received", text("ping"))
        got = bool(ping and int(ping.group(1)) > 0)
        target = re.search(r"^PING (\S+)", text("ping"), re.M)
        where = target.group(1) if target else "the target"
        out.append(DataPathCheck(iface, "ping", got, f"{where} answered through {dev}" if got
                                 else f"no answer from {where} through {dev or iface}"))
    return tuple(out)


__all__ = ["DataPathCheck", "checks", "shell_calls"]
