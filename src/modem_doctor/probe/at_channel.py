"""The AT channel on this host: a serial port through pyserial (extra ``serial``).

``AtChannel(path).command("AT+CPIN?")`` writes one command and reads until a final result
code (OK, ERROR, +CME ERROR, ...) or the time limit. Every command passes the read-only
guard (``plan.check_at``) first. ``transcript(path, commands)`` runs a list and gives the
text in the form a terminal shows (command line, then the answer), which is what
``parse/at_transcript.py`` reads; a port that gives no answer ends the list with one line
saying so, instead of waiting on every command.

Before a port is opened, ``check_port`` refuses ports another program holds (ModemManager,
pppd) and explains how to free them. The port is opened with TIOCEXCL so nothing else
can open it while the probe talks.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

from ..errors import MissingExtraError, ProbeError
from .plan import check_at

FINAL = ("OK", "ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE", "COMMAND NOT SUPPORT")
FINAL_PREFIX = ("+CME ERROR:", "+CMS ERROR:")
DEFAULT_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class AtReply:
    command: str
    lines: Tuple[str, ...]  # the answer without the echo and empty lines
    final: Optional[str]  # the final result line; None when the time ran out
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.final is None


def _serial() -> Any:
    try:
        import serial  # noqa: PLC0415 - optional extra, only the AT channel needs it
    except ImportError:
        raise MissingExtraError("serial", "pyserial") from None
    return serial


def is_final(line: str) -> bool:
    return line in FINAL or line.startswith(FINAL_PREFIX)


class AtChannel:
    """One open AT port. Use as a context manager."""

    def __init__(self, path: str, timeout: float = DEFAULT_TIMEOUT_S, baudrate: int = 115200) -> None:
        self.path = path
        self.timeout = timeout
        serial = _serial()
        try:
            self.port = serial.Serial(path, baudrate=baudrate, timeout=0.1, write_timeout=timeout,
                                      exclusive=True)
        except (serial.SerialException, OSError, ValueError) as error:
            raise ProbeError(f"cannot open {path}: {_reason(error)}") from None
        self.sent: List[str] = []

    def __enter__(self) -> "AtChannel":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:  # noqa: BLE001 - closing a port that vanished must not hide the result
            pass

    def command(self, command: str, timeout: Optional[float] = None, restoring: bool = False) -> AtReply:
        command = check_at(command, restoring)
        limit = self.timeout if timeout is None else timeout
        started = time.monotonic()
        try:
            self.port.reset_input_buffer()
            self.port.write(command.encode("ascii", "replace") + b"\r")
            self.port.flush()
        except Exception as error:  # noqa: BLE001 - pyserial raises several types
            raise ProbeError(f"cannot write to {self.path}: {_reason(error)}") from None
        self.sent.append(command)
        buffer = b""
        lines: List[str] = []
        deadline = started + limit
        while time.monotonic() < deadline:
            try:
                chunk = self.port.read(self.port.in_waiting or 1)
            except Exception as error:  # noqa: BLE001
                raise ProbeError(f"cannot read from {self.path}: {_reason(error)}") from None
            if not chunk:
                continue
            buffer += chunk
            while b"\n" in buffer or b"\r" in buffer:
                cut = min(i for i in (buffer.find(b"\n"), buffer.find(b"\r")) if i >= 0)
                raw, buffer = buffer[:cut], buffer[cut + 1:]
                line = raw.decode("utf-8", "replace").strip()
                if not line or (not lines and line == command):
                    continue  # empty lines and the modem's echo
                lines.append(line)
                if is_final(line):
                    return AtReply(command, tuple(lines[:-1]), line, time.monotonic() - started)
        return AtReply(command, tuple(lines), None, time.monotonic() - started)


def transcript(path: str, commands: Sequence[str], timeout: float = DEFAULT_TIMEOUT_S,
               channel: Optional[AtChannel] = None) -> Tuple[str, Tuple[AtReply, ...]]:
    """Run ``commands`` on the port and return (transcript text, replies). The text is a
    terminal session: each command, its answer lines, its final result code. When the port
    does not answer at all, one line says so and the rest of the list is not sent."""
    own = channel is None
    chan = channel or AtChannel(path, timeout)
    out: List[str] = []
    replies: List[AtReply] = []
    restore: Optional[str] = None
    try:
        first = chan.command("AT+CMEE?")
        old = next((line.split(":", 1)[1].strip() for line in first.lines if line.startswith("+CMEE:")), "")
        if first.final is None and not first.lines:
            out.extend([first.command, hung_message(path, first.command, timeout)])
            commands = ()
        elif old in ("0", "1"):
            if chan.command("AT+CMEE=2", restoring=True).final == "OK":
                restore = f"AT+CMEE={old}"
        for command in commands:
            reply = chan.command(command)
            replies.append(reply)
            out.append(reply.command)
            out.extend(reply.lines)
            if reply.final is not None:
                out.append(reply.final)
                continue
            if not reply.lines:
                out.append(hung_message(path, command, timeout))
                break
            out.append(f"no final result from {path} within {timeout:g} s to {command} (timed out)")
    finally:
        if restore is not None:
            try:
                chan.command(restore, restoring=True)
            except ProbeError:
                out.append(f"could not restore {restore} on {path}")
        if own:
            chan.close()
    return "\n".join(out) + "\n", tuple(replies)


def hung_message(path: str, command: str, timeout: float) -> str:
    # The wording is read by parse/at_transcript.py as a transport failure ('timed out').
    return f"no answer from {path} within {timeout:g} s to {command} (timed out)"


def _reason(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return str(text)


# -- who else uses the port -------------------------------------------------------------------
@dataclass(frozen=True)
class Owner:
    pid: int
    name: str


def owners(path: str, proc: str = "/proc") -> Tuple[Owner, ...]:
    """Processes that hold ``path`` open, from /proc/*/fd (only those this user may read)."""
    try:
        real = os.path.realpath(path)
    except OSError:
        return ()
    found: List[Owner] = []
    me = os.getpid()
    try:
        pids = [p for p in os.listdir(proc) if p.isdigit()]
    except OSError:
        return ()
    for pid in pids:
        if int(pid) == me:
            continue
        fd_dir = os.path.join(proc, pid, "fd")
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if target == real:
                found.append(Owner(int(pid), _comm(proc, pid)))
                break
    return tuple(found)


def processes_named(name: str, proc: str = "/proc") -> Tuple[int, ...]:
    try:
        pids = [p for p in os.listdir(proc) if p.isdigit()]
    except OSError:
        return ()
    return tuple(int(p) for p in pids if _comm(proc, p) == name)


def _comm(proc: str, pid: str) -> str:
    try:
        with open(os.path.join(proc, pid, "comm"), encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


MM_ADVICE = ("ModemManager manages this modem. Let it go for the probe: "
             "`mmcli -m <index> --inhibit` (in another terminal, kept running while modem-doctor probes; "
             "see `mmcli -L` for the index), or stop the service (`systemctl stop ModemManager`, "
             "on OpenWrt `/etc/init.d/modemmanager stop`); or ask ModemManager itself: `mmcli -m <index>`.")


def owner_problem(path: str, holders: Sequence[Owner], mm_pids: Sequence[int]) -> Optional[str]:
    """Why the port must not be used now, or None. ModemManager running counts as owning
    every modem port when this user cannot see which files it holds."""
    for owner in holders:
        if owner.name == "ModemManager":
            return f"{path} is held by ModemManager (pid {owner.pid}). {MM_ADVICE}"
        if owner.name in ("pppd", "comgt", "gcom", "chat"):
            return (f"{path} is held by {owner.name} (pid {owner.pid}): it is the PPP data port of a "
                    f"running connection; writing AT commands there would break it")
    if mm_pids:
        return (f"ModemManager is running (pid {mm_pids[0]}) and may own {path}; "
                f"this user cannot see which ports it holds. {MM_ADVICE} "
                f"Pass --ignore-modemmanager if it does not manage this modem.")
    return None


def check_port(path: str, ignore_modemmanager: bool = False, proc: str = "/proc") -> Tuple[str, ...]:
    """``ProbeError`` when a manager owns the port (see ``owner_problem``); otherwise notes
    about other programs that hold it open (a terminal, a simulator's own end)."""
    if not os.path.exists(path):
        raise ProbeError(f"{path}: no such port")
    holders = owners(path, proc)
    mm = () if ignore_modemmanager else processes_named("ModemManager", proc)
    if ignore_modemmanager:
        holders = tuple(h for h in holders if h.name != "ModemManager")
    elif mm and holders == () and _can_read_fds(mm[0], proc):
        mm = ()  # we can see ModemManager's files, and the port is not among them
    problem = owner_problem(path, holders, mm)
    if problem:
        raise ProbeError(problem)
    if os.path.realpath(path).startswith("/dev/pts/"):
        return ()  # a pty: its other end (a simulator, a bridge) always holds it
    return tuple(f"{path} is also open in {h.name} (pid {h.pid}); if it reads the port, answers may go missing"
                 for h in holders)


def _can_read_fds(pid: int, proc: str) -> bool:
    try:
        os.listdir(os.path.join(proc, str(pid), "fd"))
        return True
    except OSError:
        return False


__all__ = ["AtChannel", "AtReply", "Owner", "check_port", "hung_message", "owner_problem", "owners",
           "processes_named", "transcript"]
