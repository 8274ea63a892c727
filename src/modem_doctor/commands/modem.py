"""`modem-doctor modem`: talk to the modem (read-only) and find why the connection fails.

    modem-doctor modem --ssh root@192.168.1.1            # collect, pick ports, probe, diagnose
    modem-doctor modem --local                           # this host
    modem-doctor modem --port /dev/ttyUSB2 --qmi /dev/cdc-wdm0 --no-collect

Steps: collect what the diagnosis needs (the collector of ``collect``), pick the AT and
QMI/MBIM ports from the knowledge base (or take ``--port``/``--qmi``/``--mbim``), run the
read-only probes (``probe/``), and diagnose everything together: the probe transcripts are
artifacts of the host like any pasted output. Nothing is sent that could change the modem
(see docs/probing.md). Exit status: 0 nothing wrong, 1 problems found, 2 nothing could
be probed or bad usage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from typing import Any, List, Optional

from ..errors import ProbeError

HELP = "talk to the modem (AT, QMI, MBIM) and find why a connection fails"


def add_probe_arguments(parser: argparse.ArgumentParser, port_alias: bool = True) -> None:
    """The port and probe options (``diagnose --probe-modem`` reuses them, without the
    ``--port`` alias, which is the SSH port there)."""
    group = parser.add_argument_group("probe options")
    names = ("--at-port", "--port") if port_alias else ("--at-port",)
    group.add_argument(*names, dest="at_port", metavar="DEV",
                       help="AT port to probe (default: from the knowledge base)")
    group.add_argument("--qmi", metavar="DEV", help="QMI control node (default: from the knowledge base)")
    group.add_argument("--mbim", metavar="DEV", help="MBIM control node (default: from the knowledge base)")
    group.add_argument("--vendor", choices=("huawei", "quectel", "sierra"),
                       help="AT dialect for vendor queries (default: from the USB id or ATI)")
    group.add_argument("--at-timeout", type=float, default=3.0, metavar="SECONDS",
                       help="give up on an AT command after this long (default 3)")
    group.add_argument("--ignore-modemmanager", action="store_true",
                       help="probe even though ModemManager runs (only when it does not manage this modem)")
    group.add_argument("--qmicli", action="store_true",
                       help="on the router, use qmicli instead of uqmi (a Debian box, the lab VM)")
    group.add_argument("--datapath", metavar="IFACE", action="append", default=[],
                       help="also check the data path of this UCI interface (router; repeatable)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--ssh", metavar="[USER@]HOST[:PORT]", help="probe the modem of a router over SSH")
    source.add_argument("--local", action="store_true", help="probe a modem on this host (the default)")
    parser.add_argument("--no-collect", action="store_true",
                        help="do not collect logs and configuration first; probe the given ports only")
    parser.add_argument("--bundle", metavar="FILE.tar.gz",
                        help="use a bundle saved by 'collect' instead of collecting now")
    parser.add_argument("--uci-dir", metavar="DIR",
                        help="read UCI files (network, firewall) from DIR as well (a fake /etc/config)")
    parser.add_argument("--format", choices=("text", "json", "md"), default="text", help="output format (default text)")
    parser.add_argument("--share", action="store_true", help="redact identifiers (IMEI, ICCID, ...) in the output")
    add_probe_arguments(parser)
    ssh = parser.add_argument_group("SSH options (the SSH port goes in HOST:PORT)")
    ssh.add_argument("-i", "--identity", action="append", default=[], metavar="KEYFILE", help="private key")
    ssh.add_argument("--known-hosts", metavar="FILE", help="known_hosts file (default ~/.ssh/known_hosts)")
    ssh.add_argument("--accept-new-host-key", action="store_true",
                     help="trust and remember the key of a host never seen before")
    ssh.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS")


def _ssh_options(args: argparse.Namespace) -> dict:
    port = getattr(args, "port", None)  # diagnose's SSH port; 'modem' takes it in HOST:PORT
    return dict(port=port if isinstance(port, int) else None,identity=tuple(getattr(args, "identity", ()) or ()), known_hosts=getattr(args, "known_hosts", None),
                accept_new=getattr(args, "accept_new_host_key", False),
                connect_timeout=getattr(args, "connect_timeout", 10.0))


def uci_extractions(directory: str) -> List[Any]:
    """network and firewall from a UCI directory, as the collector would have read them."""
    from ..extract import Block, Extraction
    from ..model.common import Line

    out: List[Any] = []
    for name in ("network", "firewall"):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        from ..load import read_input

        text = read_input(path)
        lines = tuple(Line(n, t) for n, t in enumerate(text.splitlines(), 1))
        if lines:
            out.append(Extraction(source=f"uci/{name}", blocks=(Block("uci_config", 1, len(lines), lines,
                                                                     command=f"cat /etc/config/{name}",
                                                                     by_command=True),),
                                  line_count=len(lines)))
    return out


def datapath_lines(ifaces: List[str]) -> List[str]:
    from ..probe.datapath import shell_calls

    return shell_calls(ifaces)


def probe_host(args: argparse.Namespace, base: List[Any], where: str) -> Any:
    """Pick the ports and run the probes. ``where``: 'local' or 'ssh'. Returns a ProbeResult."""
    from ..load import build_host
    from ..probe.ports import plan_ports
    from ..probe.run import Targets, probe_local, probe_ssh, targets_from_plans

    given = args.at_port or args.qmi or args.mbim
    if given:
        targets = Targets(at=(args.at_port,) if args.at_port else (), qmi=(args.qmi,) if args.qmi else (),
                          mbim=(args.mbim,) if args.mbim else (), vendor=args.vendor or "")
    else:
        plans = plan_ports(build_host(base), sysfs_root="" if where == "local" else None)
        targets = targets_from_plans(plans)
        if args.vendor:
            targets = Targets(targets.at, targets.ati_only, targets.qmi, targets.mbim, args.vendor,
                              targets.notes, targets.unresolved)
        for interface in targets.unresolved:
            print(f"modem-doctor: note: no device node found for USB interface {interface} "
                  f"(give it with --port/--qmi)", file=sys.stderr)
    if args.datapath and where != "ssh":
        print("modem-doctor: note: --datapath runs on a router (--ssh); skipped here", file=sys.stderr)
    if where == "ssh":
        datapath = datapath_lines(list(args.datapath))
        return probe_ssh(args.ssh, targets, args.at_timeout, args.ignore_modemmanager, args.qmicli,
                         datapath, **_ssh_options(args))
    if targets.at and not _has_pyserial():
        busybox = shutil.which("busybox")
        if busybox:
            # No pyserial here (a VM, a minimal box): the router's helper under BusyBox ash
            # talks to the port instead, with qmicli for QMI.
            print("modem-doctor: note: pyserial is not installed; using the BusyBox AT helper", file=sys.stderr)
            from ..probe.run import probe_shell

            return probe_shell(targets, args.at_timeout, args.ignore_modemmanager, use_qmicli=True,
                               shell=[busybox, "sh"])
    return probe_local(targets, args.at_timeout, args.ignore_modemmanager)


def _has_pyserial() -> bool:
    try:
        import serial  # noqa: F401,PLC0415 - only asking whether the extra is there
    except ImportError:
        return False
    return True


def run(args: argparse.Namespace) -> int:
    from ..collect.bundle import extractions as bundle_extractions
    from ..diagnosis import diagnose
    from ..load import build_host
    from ..probe.run import extractions
    from ..render import render

    where = "ssh" if args.ssh else "local"
    base: List[Any] = []
    if args.bundle:
        from ..collect import collect

        base.extend(bundle_extractions(collect("replay", args.bundle)))
    elif not args.no_collect:
        from ..collect import Progress, collect

        if where == "ssh":
            bundle = collect("ssh", args.ssh, progress=Progress(f"collecting from {args.ssh}"), **_ssh_options(args))
        else:
            bundle = collect("local", progress=Progress("collecting from this host"))
        base.extend(bundle_extractions(bundle))
    if args.uci_dir:
        base.extend(uci_extractions(args.uci_dir))
    result = probe_host(args, base, where)
    for line in result.problems:
        print(f"modem-doctor: {line}", file=sys.stderr)
    for line in result.notes:
        print(f"modem-doctor: note: {line}", file=sys.stderr)
    if not result.captures and not base:
        raise ProbeError("nothing was probed" + (f": {result.problems[0]}" if result.problems else ""))
    host = build_host(base + extractions(result))
    diagnosis = diagnose(host)
    doc = diagnosis.to_json()
    doc["probe"] = result.to_json()
    from ..probe.datapath import checks

    datapath = checks(result.captures)
    doc["probe"]["datapath"] = [{"iface": c.iface, "step": c.step, "ok": c.ok, "detail": c.detail} for c in datapath]
    text = render(doc, args.format, share=args.share)
    if args.format == "text":
        text = summary(result) + text
    sys.stdout.write(text)
    return 1 if diagnosis.has_problems or result.problems else 0


def summary(result: Any) -> str:
    """A few lines saying what was probed, before the diagnosis."""
    lines = ["Probed (read-only):"]
    for capture in result.captures:
        if capture.kind is None and not capture.id.startswith("dp"):
            continue
        lines.append(f"  {capture.command}: {len(capture.text.splitlines())} lines in {capture.seconds:.1f} s")
    from ..probe.datapath import checks

    for check in checks(result.captures):
        lines.append(f"  data path {check.iface}: {check.step}: {'ok' if check.ok else 'FAILED'} ({check.detail})")
    for problem in result.problems:
        lines.append(f"  problem: {problem}")
    if len(lines) == 1:
        lines.append("  nothing answered")
    return "\n".join(lines) + "\n\n"



def host_with_probe(args: argparse.Namespace, bundle: Any) -> Any:
    """``diagnose --ssh/--local --probe-modem``: the collected bundle plus the probe
    transcripts, as one Host."""
    from ..collect.bundle import extractions as bundle_extractions
    from ..load import build_host
    from ..probe.run import extractions

    base = list(bundle_extractions(bundle))
    result = probe_host(args, base, "ssh" if getattr(args, "ssh", None) else "local")
    for line in result.problems:
        print(f"modem-doctor: {line}", file=sys.stderr)
    return build_host(base + extractions(result))
