"""Run the read-only probes and turn what the modem said into parser input.

Two places to probe from:

- **this host** (``probe_local``): AT through pyserial (``at_channel``), QMI through qmicli,
  MBIM through mbimcli, the driver's ``/sys/class/net/*/qmi/raw_ip``;
- **a router over SSH** (``probe_ssh``): one shell script (the collector's bounded
  ``md_run`` frames plus ``at_helper.sh``) in one SSH session through the collector's
  asyncssh transport; AT through the helper, QMI through uqmi, MBIM through umbim.

Either gives a ``ProbeResult``: one ``ProbeCapture`` per transcript, with the parser kind
that reads it (``at_transcript``, ``qmicli``, ``uqmi``, ``mbimcli``), the problems met
(a port ModemManager owns, a hung port) and every command sent. ``extractions()`` makes
them parser input, so a probed transcript is diagnosed exactly like a pasted one.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..errors import ProbeError
from ..model.common import Line
from . import plan as P

HELPER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "at_helper.sh")
TOOL_TIMEOUT_S = 10.0
# qmicli warns that a pty is not a cdc-wdm device; harmless, and not the modem's answer.
PTY_NOISE = ("couldn't detect transport type", "requested QMI mode but unexpected transport type",
             "requested MBIM mode but unexpected transport type")


@dataclass(frozen=True)
class ProbeCapture:
    id: str  # 'at.ttyUSB2', 'qmi.cdc-wdm0', 'raw_ip'
    kind: Optional[str]  # parser kind; None: kept for people, no parser reads it
    command: str  # what was run, as a user would type it
    text: str
    seconds: float = 0.0


@dataclass(frozen=True)
class ProbeResult:
    captures: Tuple[ProbeCapture, ...] = ()
    problems: Tuple[str, ...] = ()  # one line each: refused port, hung port, missing tool
    notes: Tuple[str, ...] = ()
    sent: Tuple[str, ...] = ()  # every AT command and tool option sent, in order

    def merged(self, other: "ProbeResult") -> "ProbeResult":
        return ProbeResult(self.captures + other.captures, self.problems + other.problems,
                           self.notes + other.notes, self.sent + other.sent)

    def to_json(self) -> Dict[str, Any]:
        return {
            "captures": [{"id": c.id, "kind": c.kind, "command": c.command, "seconds": round(c.seconds, 2),
                          "lines": len(c.text.splitlines())} for c in self.captures],
            "problems": list(self.problems),
            "notes": list(self.notes),
            "sent": list(self.sent),
        }


def extractions(result: ProbeResult, source: str = "probe") -> List[Any]:
    """One single-block ``Extraction`` per capture that a parser reads."""
    from ..extract import Block, Extraction

    out: List[Any] = []
    for capture in result.captures:
        if capture.kind is None:
            continue
        lines = tuple(Line(n, text) for n, text in enumerate(capture.text.splitlines(), 1))
        if not any(line.text.strip() for line in lines):
            continue
        block = Block(kind=capture.kind, first_line=1, last_line=len(lines), lines=lines,
                      command=capture.command, by_command=True)
        out.append(Extraction(source=f"{source}/{capture.id}", blocks=(block,), line_count=len(lines)))
    return out


# -- this host ------------------------------------------------------------------------------------
def probe_at_local(path: str, vendor: str = "", timeout: float = 3.0,
                   ignore_modemmanager: bool = False, only_ati: bool = False) -> ProbeResult:
    """The AT probe on one local port. A port someone else owns is refused (a problem, not
    an exception); a port that never answers gives one 'timed out' line and a problem."""
    from .at_channel import check_port, transcript

    name = os.path.basename(path)
    try:
        notes = check_port(path, ignore_modemmanager)
    except ProbeError as error:
        return ProbeResult(problems=(str(error),))
    started = time.monotonic()
    sent: List[str] = []
    try:
        if not vendor or only_ati:
            text, replies = transcript(path, ("ATI",), timeout)
            sent.extend(r.command for r in replies)
            if only_ati or not replies or replies[0].timed_out:
                capture = ProbeCapture(f"at.{name}", "at_transcript", f"AT probe of {path}", text,
                                       time.monotonic() - started)
                problems = _hung(text)
                return ProbeResult((capture,), problems, notes, tuple(sent))
            vendor = P.vendor_of(None, text)
            commands = tuple(c for c in P.at_commands(vendor) if c != "ATI")
            more, replies = transcript(path, commands, timeout)
            text += more
        else:
            text, replies = transcript(path, P.at_commands(vendor), timeout)
        sent.extend(r.command for r in replies)
    except ProbeError as error:
        return ProbeResult(problems=(str(error),), notes=notes, sent=tuple(sent))
    capture = ProbeCapture(f"at.{name}", "at_transcript", f"AT probe of {path}", text, time.monotonic() - started)
    return ProbeResult((capture,), _hung(text), notes, tuple(sent))


def _hung(text: str) -> Tuple[str, ...]:
    lines = [line for line in text.splitlines() if line.startswith("no answer from ")]
    return tuple(f"{line}: the port is hung, or another program holds it and takes the answers; "
                 f"unplug and replug the modem (or power-cycle it) if nothing else uses the port"
                 for line in lines[:1])


def _is_cdc_wdm(path: str) -> bool:
    """A real cdc-wdm node (usbmisc major), not a pty standing in for one."""
    try:
        real = os.path.realpath(path)
        return os.path.basename(real).startswith("cdc-wdm") and stat.S_ISCHR(os.stat(real).st_mode)
    except OSError:
        return False


def _run_tool(argv: Sequence[str], timeout: float) -> Tuple[str, Optional[int], float]:
    started = time.monotonic()
    try:
        done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        # subprocess.run ends the tool (by its own PID) when the time runs out.
        out = (expired.stdout or b"").decode("utf-8", "replace")
        tool = os.path.basename(argv[0])
        return out + f"error: {tool} gave no answer within {timeout:g} s (Request timed out); stopped by modem-doctor\n", None, timeout
    except OSError as error:
        return f"{argv[0]}: cannot run: {error.strerror or error}\n", 127, time.monotonic() - started
    text = done.stdout.decode("utf-8", "replace")
    err = "\n".join(line for line in done.stderr.decode("utf-8", "replace").splitlines()
                    if line.strip() and not any(noise in line for noise in PTY_NOISE))
    return text + (err + "\n" if err else ""), done.returncode, time.monotonic() - started


def probe_tool_local(tool: str, device: str, options: Sequence[str], timeout: float = TOOL_TIMEOUT_S,
                     ignore_modemmanager: bool = False) -> ProbeResult:
    """qmicli or mbimcli, one run per read-only option, as one transcript (kind = tool)."""
    from .at_channel import check_port

    exe = shutil.which(tool)
    if exe is None:
        package = "libqmi-utils" if tool == "qmicli" else "libmbim-utils"
        return ProbeResult(problems=(f"{tool} is not installed (package {package}); the "
                                     f"{'QMI' if tool == 'qmicli' else 'MBIM'} probe of {device} was skipped",))
    try:
        notes = check_port(device, ignore_modemmanager)
    except ProbeError as error:
        return ProbeResult(problems=(str(error),))
    mode = [] if _is_cdc_wdm(device) else (["--device-open-qmi"] if tool == "qmicli" else ["--device-open-mbim"])
    if tool == "mbimcli" and mode:
        mode = []  # mbimcli opens a pty as MBIM without being told
    chunks: List[str] = []
    sent: List[str] = []
    problems: List[str] = []
    started = time.monotonic()
    for option in options:
        P.check_tool_args(tool, option)
        argv = [exe, *mode, "-d", device, option]
        text, rc, _seconds = _run_tool(argv, timeout)
        sent.append(f"{tool} {option}")
        chunks.append(f"# {tool} -d {device} {option}\n{text}")
        if rc is None:
            problems.append(f"{tool} -d {device} {option}: no answer within {timeout:g} s; the control "
                            f"port is hung or held by another program (qmi-proxy, ModemManager)")
            break
    capture = ProbeCapture(f"{'qmi' if tool == 'qmicli' else 'mbim'}.{os.path.basename(device)}", tool,
                           f"{tool} -d {device}", "".join(chunks), time.monotonic() - started)
    return ProbeResult((capture,), tuple(problems), notes, tuple(sent))


def raw_ip_local(root: str = "") -> ProbeResult:
    """The qmi_wwan raw_ip flag of every QMI netdev on this host."""
    lines = []
    for path in sorted(glob.glob(f"{root}/sys/class/net/*/qmi/raw_ip")):
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                value = handle.read().strip()
        except OSError as error:
            value = f"unreadable ({error.strerror})"
        lines.append(f"{path[len(root):]}={value}")
    if not lines:
        return ProbeResult()
    return ProbeResult((ProbeCapture("raw_ip", "qmi_raw_ip", "cat /sys/class/net/*/qmi/raw_ip", "\n".join(lines) + "\n"),))


@dataclass(frozen=True)
class Targets:
    """What to probe: AT ports (best first), QMI and MBIM control nodes, the dialect."""

    at: Tuple[str, ...] = ()
    ati_only: Tuple[str, ...] = ()  # ports of unknown role: ATI, nothing else
    qmi: Tuple[str, ...] = ()
    mbim: Tuple[str, ...] = ()
    vendor: str = ""
    notes: Tuple[str, ...] = ()
    unresolved: Tuple[str, ...] = field(default=())  # USB interfaces with no node found


def targets_from_plans(plans: Sequence[Any]) -> Targets:
    at: List[str] = []
    ati: List[str] = []
    qmi: List[str] = []
    mbim: List[str] = []
    notes: List[str] = []
    unresolved: List[str] = []
    vendor = ""
    for port_plan in plans:
        vendor = vendor or P.vendor_of(port_plan.vid)
        notes.extend(port_plan.notes)
        for choice in port_plan.at:
            if not choice.device:
                unresolved.append(choice.interface)
                continue
            (ati if choice.kind == "ati-candidate" else at).append(choice.device)
        for choice in port_plan.control:
            if not choice.device:
                unresolved.append(choice.interface)
                continue
            (qmi if choice.kind == "qmi" else mbim).append(choice.device)
    return Targets(tuple(at[:1]), tuple(ati), tuple(qmi), tuple(mbim), vendor, tuple(notes), tuple(unresolved))


def probe_local(targets: Targets, timeout: float = 3.0, ignore_modemmanager: bool = False,
                sysfs_root: str = "", tool_timeout: float = TOOL_TIMEOUT_S) -> ProbeResult:
    result = ProbeResult(notes=targets.notes)
    for port in targets.at:
        result = result.merged(probe_at_local(port, targets.vendor, timeout, ignore_modemmanager))
    if not targets.at:
        for port in targets.ati_only:
            one = probe_at_local(port, "", timeout, ignore_modemmanager, only_ati=True)
            result = result.merged(one)
    for device in targets.qmi:
        result = result.merged(probe_tool_local("qmicli", device, P.QMICLI, tool_timeout, ignore_modemmanager))
    for device in targets.mbim:
        result = result.merged(probe_tool_local("mbimcli", device, P.MBIMCLI, tool_timeout, ignore_modemmanager))
    result = result.merged(raw_ip_local(sysfs_root))
    if not (targets.at or targets.ati_only or targets.qmi or targets.mbim):
        result = result.merged(ProbeResult(problems=("no modem port to probe: no AT, QMI or MBIM node was found "
                                                     "(give one with --port or --control)",)))
    return result


# -- a router over SSH -------------------------------------------------------------------------
# Capture id prefix -> parser kind, for the frames of the probe script.
SSH_KINDS = {"at": "at_transcript", "qmi": "uqmi", "qmicli": "qmicli", "mbim": None, "raw_ip": "qmi_raw_ip",
             "owners": None, "dp": None}
# The data-path frames are 'dp.<iface>.<step>' (probe/datapath.py): the step names the output.
DP_KINDS = {"ifstatus": "ifstatus", "addr": "ip_addr", "route": "ip_route", "dns": "nslookup", "ping": "ping"}


def _q(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def ssh_script(targets: Targets, timeout: float = 3.0, ignore_modemmanager: bool = False,
               use_qmicli: bool = False, datapath: Sequence[str] = (), settings: Optional[Dict[str, str]] = None) -> str:
    """The probe as one shell script for ``sh -s`` on the router (framed like the collector)."""
    from ..collect.specs import PLACEHOLDER, SCRIPT_PATH

    with open(SCRIPT_PATH, encoding="utf-8") as handle:
        body = handle.read()
    with open(HELPER_PATH, encoding="utf-8") as handle:
        helper = handle.read()
    calls: List[str] = [helper, f"MP_IGNORE_MM={'1' if ignore_modemmanager else ''}"]
    budget = int(timeout * 40) + 10  # the watchdog of a whole AT list

    def run(capture_id: str, seconds: int, command: str) -> None:
        calls.append(f"md_run {capture_id} {seconds} '' {_q(command)}")

    for port in targets.at:
        commands = [P.check_at(c) for c in P.at_commands(targets.vendor)]
        run(f"at.{os.path.basename(port)}", budget,
            f"mp_guard {port} && mp_at {port} {timeout:g} " + " ".join(_q(c) for c in commands))
    if not targets.at:
        for port in targets.ati_only:
            run(f"at.{os.path.basename(port)}", int(timeout) + 5, f"mp_guard {port} && mp_at {port} {timeout:g} ATI")
    for device in targets.qmi:
        if use_qmicli:
            opts = " ".join(P.check_tool_args("qmicli", o) for o in P.QMICLI)
            run(f"qmicli.{os.path.basename(device)}", 120, f"mp_guard {device} && mp_qmicli {device} {opts}")
        else:
            opts = " ".join(P.check_tool_args("uqmi", o) for o in P.UQMI)
            run(f"qmi.{os.path.basename(device)}", 120, f"mp_guard {device} && mp_uqmi {device} {opts}")
    for device in targets.mbim:
        opts = " ".join(P.check_tool_args("umbim", o) for o in P.UMBIM)
        run(f"mbim.{os.path.basename(device)}", 60, f"mp_guard {device} && mp_umbim {device} {opts}")
    calls.append("md_run raw_ip '' '' md_raw_ip")
    calls.extend(datapath)
    head = "".join(f"{k}={_q(v)}\n" for k, v in sorted((settings or {}).items()))
    return head + body.replace(PLACEHOLDER, "\n".join(calls), 1)


def result_from_bundle(bundle: Any) -> ProbeResult:
    """The probe script's frames (a ``collect.bundle.Bundle``) as a ``ProbeResult``."""
    captures: List[ProbeCapture] = []
    problems: List[str] = list(bundle.problems)
    sent: List[str] = []
    for cap in bundle.captures:
        prefix = cap.id.split(".", 1)[0]
        # ping and nslookup print their failures ('ping: sendto: Network is unreachable') on stderr
        errors_too = prefix in ("qmi", "qmicli", "mbim") or (prefix == "dp" and cap.id.endswith((".dns", ".ping")))
        text = cap.text() + (cap.stderr if cap.stderr and errors_too else "")
        if cap.rc == 4:  # mp_guard refused the port
            problems.append(text.strip().splitlines()[0] if text.strip() else f"{cap.id}: port refused")
            continue
        if "timeout" in cap.flags:
            problems.append(f"{cap.id}: the probe did not finish within {cap.ms / 1000:.0f} s and was stopped; "
                            f"kept what it printed")
        if prefix == "at":
            problems.extend(_hung(text))
            sent.extend(line for line in text.splitlines() if line.upper().startswith("AT"))
        kind = DP_KINDS.get(cap.id.rsplit(".", 1)[-1]) if prefix == "dp" else SSH_KINDS.get(prefix)
        captures.append(ProbeCapture(cap.id, kind, cap.command, text, cap.ms / 1000))
    return ProbeResult(tuple(captures), tuple(problems), (), tuple(sent))


def probe_ssh(target: str, targets: Targets, timeout: float = 3.0, ignore_modemmanager: bool = False,
              use_qmicli: bool = False, datapath: Sequence[str] = (), settings: Optional[Dict[str, str]] = None,
              **ssh_options: Any) -> ProbeResult:
    """Run the probe script on a router in one SSH session (the collector's transport)."""
    from ..collect import _bundle, _meta
    from ..collect import ssh_asyncssh

    script = ssh_script(targets, timeout, ignore_modemmanager, use_qmicli, datapath, settings)
    output = ssh_asyncssh.run(script, target, **ssh_options)
    return result_from_bundle(_bundle(output, "probe", _meta()))


def probe_shell(targets: Targets, timeout: float = 3.0, ignore_modemmanager: bool = False,
                use_qmicli: bool = True, datapath: Sequence[str] = (), settings: Optional[Dict[str, str]] = None,
                shell: Optional[Sequence[str]] = None) -> ProbeResult:
    """The router's probe script run on this host (tests, and a VM's console); ``shell``
    is the shell's argv, e.g. ``["/bin/busybox", "sh"]`` for OpenWrt's ash."""
    from ..collect import _bundle, _meta
    from ..collect import local

    script = ssh_script(targets, timeout, ignore_modemmanager, use_qmicli, datapath, settings)
    output = local.run(script, shell=shell, timeout=600)
    return result_from_bundle(_bundle(output, "probe", _meta()))


__all__ = ["ProbeCapture", "ProbeResult", "Targets", "extractions", "probe_at_local", "probe_local", "probe_shell",
           "probe_ssh", "probe_tool_local", "raw_ip_local", "result_from_bundle", "ssh_script", "targets_from_plans"]
