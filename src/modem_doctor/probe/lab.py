"""The probe in the virtual lab (issue 7, Must show): the simulated MU609 in USB
configuration 1, behind the real ``option``, ``qmi_wwan`` and ``cdc-wdm`` drivers, set up
as an OpenWrt ``qmi`` interface three ways, each diagnosed by ``modem-doctor modem``.

Runs inside the VM (``run_in_guest(guest)``, called by the mu609 lab scenario with
``-O probe``, in configuration 1, before ModemManager is started). The VM is Debian, not
OpenWrt, so:

- the UCI files are written to ``OUT/probe/<step>/config/`` and given with ``--uci-dir``;
- netifd's own attempt (qmi.sh's ``uqmi --start-network``) is played by the real qmicli
  with the APN and IP family of the UCI interface, before the probe; the probe itself
  only reads (it finds the refusal in ``AT+CEER``);
- AT goes through the BusyBox helper when the VM's python3 has no pyserial.

Steps (simulator scenario ``operator-apn-ipv4-only``: only ``fake.operator.apn`` works,
IPv4 only):

1. ``wrong-apn``: ``apn 'internet'`` -> refused, cause 33;
2. ``pdptype-ipv4v6``: the right APN with ``pdptype 'ipv4v6'`` -> IPv6 refused, cause 50;
3. ``not-in-wan-zone``: the right APN, ``pdptype 'ip'`` (netifd's IPv4 call succeeds and
   stays up), the interface left out of the firewall's wan zone.

Each step leaves ``OUT/probe/<step>.json`` (the diagnosis with the probe section) and
facts ``probe.<step>.*``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Tuple

NETWORK = """
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.1'
	option netmask '255.255.255.0'

config interface 'wwan'
	option proto 'qmi'
	option device '/dev/cdc-wdm0'
	option apn '{apn}'
	option auth 'none'
	option pdptype '{pdptype}'
"""

FIREWALL = """
config defaults
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'

config zone
	option name 'lan'
	list network 'lan'
	option input 'ACCEPT'
	option output 'ACCEPT'
	option forward 'ACCEPT'

config zone
	option name 'wan'
{wan_networks}	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'
	option masq '1'
	option mtu_fix '1'

config forwarding
	option src 'lan'
	option dest 'wan'
"""

RIGHT_APN = "fake.operator.apn"
# step -> (apn, pdptype, wwan in the wan zone, netifd's attempts as qmicli ip-types)
STEPS: Tuple[Tuple[str, str, str, bool, Tuple[str, ...]], ...] = (
    ("wrong-apn", "internet", "ip", True, ("4",)),
    ("pdptype-ipv4v6", RIGHT_APN, "ipv4v6", True, ("6",)),
    ("not-in-wan-zone", RIGHT_APN, "ip", False, ("4",)),
)
SCENARIO = "operator-apn-ipv4-only"


def write_uci(directory: str, apn: str, pdptype: str, in_wan: bool) -> None:
    os.makedirs(directory, exist_ok=True)
    networks = "\tlist network 'wan'\n\tlist network 'wan6'\n" + ("\tlist network 'wwan'\n" if in_wan else "")
    with open(os.path.join(directory, "network"), "w", encoding="utf-8") as handle:
        handle.write(NETWORK.format(apn=apn, pdptype=pdptype))
    with open(os.path.join(directory, "firewall"), "w", encoding="utf-8") as handle:
        handle.write(FIREWALL.format(wan_networks=networks))


def summary(doc: Dict[str, Any]) -> Dict[str, Any]:
    probe = doc.get("probe", {})
    return {
        "findings": [f["code"] for f in doc.get("findings", [])],
        "titles": [f["title"] for f in doc.get("findings", [])],
        "captures": [c["id"] for c in probe.get("captures", [])],
        "problems": probe.get("problems", []),
        "sent": probe.get("sent", []),
        "modems": [f"{m.get('vid')}:{m.get('pid')}" for m in doc.get("modems", [])],
    }


def run_in_guest(guest: Any) -> bool:
    """The three steps; True when each produced a diagnosis document."""
    out = guest.out / "probe"
    out.mkdir(parents=True, exist_ok=True)
    bundle = out / "host.tar.gz"
    done = guest.sh([sys.executable, "-m", "modem_doctor", "collect", "--local", "-o", str(bundle)],
                    timeout=180, save="probe/collect.log")
    guest.fact("probe.collect.rc", done.returncode)
    ok = done.returncode == 0
    for step, apn, pdptype, in_wan, attempts in STEPS:
        config = out / step / "config"
        write_uci(str(config), apn, pdptype, in_wan)
        for ip_type in attempts:  # what netifd's qmi.sh would have tried (not the probe)
            # --client-no-release-cid: a call that succeeds stays up, as netifd's does.
            guest.sh(["qmicli", "-d", "/dev/cdc-wdm0", f"--wds-start-network=apn={apn},ip-type={ip_type}",
                      "--client-no-release-cid"],
                     timeout=30, save=f"probe/{step}/netifd-attempt-ipv{ip_type}.txt")
        target = out / f"{step}.json"
        result = guest.sh(f"{sys.executable} -m modem_doctor modem --local --bundle {bundle} "
                          f"--uci-dir {config} --format json > {target}",
                          timeout=300, save=f"probe/{step}.log")
        guest.fact(f"probe.{step}.rc", result.returncode)
        try:
            doc = json.loads(target.read_text())
        except (OSError, ValueError):
            doc = {}
        guest.fact(f"probe.{step}", summary(doc))
        ok = ok and bool(doc)
    return ok


def uci_paths(step: str, base: str) -> List[str]:
    return [os.path.join(base, "probe", step, "config", name) for name in ("network", "firewall")]


__all__ = ["RIGHT_APN", "SCENARIO", "STEPS", "run_in_guest", "summary", "write_uci"]
