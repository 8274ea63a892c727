"""Scenario runner inside the lab VM: ``python3 -m modem_doctor.lab.guest NAME OUT [ARGS]``.

Runs as root in the chroot of the host root (see init.sh). A scenario module in
``lab/scenarios/`` gets a ``Guest`` that logs with timestamps, runs commands, waits for
sysfs conditions, starts helper processes (always stopped again by their own PID) and
writes ``facts.json``, which the host-side tests read.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union, cast

from .capture import capture_state, drivers_by_interface

Command = Union[str, Sequence[str]]


class Guest:
    """What a scenario uses to act in the VM and record what it saw."""

    def __init__(self, out: Path, args: List[str]) -> None:
        self.out = out
        self.args = args
        self.t0 = time.monotonic()
        self.facts: Dict[str, object] = {}
        self.children: List[subprocess.Popen] = []
        self.process_log: List[Dict[str, object]] = []
        #: ``quick``: skip the slow captures (tests); fixtures are made without it.
        self.quick = "quick" in args
        out.mkdir(parents=True, exist_ok=True)

    # -- recording -----------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def log(self, message: str) -> None:
        print(f"[{self.elapsed():7.2f}] {message}", flush=True)

    def fact(self, key: str, value: object) -> None:
        self.facts[key] = value
        self.save_facts()

    def save_facts(self) -> None:
        (self.out / "facts.json").write_text(json.dumps(self.facts, indent=2, sort_keys=True) + "\n")

    def capture(self, state: str, extra: Sequence = ()) -> Path:
        target = self.out / state
        self.log(f"capture {state}")
        capture_state(target, tuple(extra), quick=self.quick)
        self.fact(f"{state}.drivers", drivers_by_interface())
        return target

    # -- acting ----------------------------------------------------------------------
    def sh(self, command: Command, timeout: float = 30.0, save: Optional[str] = None,
           env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        """Run a command; output (stdout+stderr) is logged and optionally saved to OUT/save.

        A string without shell syntax is split and run directly, so that a timeout ends
        the tool itself (by its PID) and not only a shell around it."""
        if isinstance(command, str):
            argv = (["sh", "-c", command] if any(c in command for c in "|&;<>$`*(){}")
                    else shlex.split(command))
        else:
            argv = list(command)
        shown = command if isinstance(command, str) else " ".join(command)
        started = time.monotonic()
        full_env = dict(os.environ)
        full_env.update(env or {})
        try:
            done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=timeout, check=False, env=full_env)
            text = done.stdout.decode("utf-8", "replace")
            code: object = done.returncode
        except subprocess.TimeoutExpired as expired:
            text = (expired.stdout or b"").decode("utf-8", "replace") + "\n<timeout>\n"
            done = subprocess.CompletedProcess(argv, 124, text.encode(), b"")
            code = "timeout"
        self.log(f"$ {shown}  -> {code} in {time.monotonic() - started:.2f} s")
        for line in text.splitlines()[:40]:
            print(f"    {line}", flush=True)
        if save:
            path = self.out / save
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        done.stdout = text  # type: ignore[assignment]
        return done

    def write(self, path: str, value: str) -> None:
        self.log(f"echo {value.strip()!r} > {path}")
        with open(path, "w") as handle:
            handle.write(value)

    def wait_for(self, test: Callable[[], bool], timeout: float, what: str,
                 interval: float = 0.1) -> bool:
        deadline = time.monotonic() + timeout
        started = time.monotonic()
        while time.monotonic() < deadline:
            try:
                if test():
                    self.log(f"{what}: yes after {time.monotonic() - started:.2f} s")
                    return True
            except OSError:
                pass
            time.sleep(interval)
        self.log(f"{what}: NOT within {timeout:.0f} s")
        return False

    def spawn(self, argv: Sequence[str], name: str, env: Optional[Dict[str, str]] = None) -> subprocess.Popen:
        """Start a helper process; its output goes to OUT/logs/NAME.log."""
        logs = self.out / "logs"
        logs.mkdir(exist_ok=True)
        full_env = dict(os.environ)
        full_env.update(env or {})
        sink = open(logs / f"{name}.log", "wb")
        proc = subprocess.Popen(list(argv), stdout=sink, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=full_env)
        sink.close()
        self.children.append(proc)
        self.process_log.append({"name": name, "pid": proc.pid, "argv": list(argv)})
        self.log(f"started {name} pid {proc.pid}")
        return proc

    def track(self, pid: int, name: str) -> None:
        """Record a process we did not start directly (e.g. qmi-proxy) so it is ended too."""
        self.process_log.append({"name": name, "pid": pid, "argv": []})

    def stop_all(self) -> None:
        """End every helper by its own PID, newest first; record how each ended."""
        for entry in reversed(self.process_log):
            pid = cast(int, entry["pid"])  # always an int: track() and start() record it
            proc = next((c for c in self.children if c.pid == pid), None)
            if proc is not None:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                entry["exit"] = proc.returncode
            else:
                entry["exit"] = _end_pid(pid)
        time.sleep(0.2)
        for entry in self.process_log:
            entry["alive_after_stop"] = _alive(cast(int, entry["pid"]))
        self.fact("processes", self.process_log)

    def pids_of(self, exe_suffix: str) -> List[int]:
        """PIDs whose executable path ends with exe_suffix (to find daemons a tool forked)."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.readlink(f"/proc/{entry}/exe").endswith(exe_suffix):
                        found.append(int(entry))
                except OSError:
                    continue
        return found


def _end_pid(pid: int) -> str:
    """SIGTERM a process we did not start (not our child), wait, SIGKILL if needed."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return "already gone"
    for _ in range(30):
        time.sleep(0.1)
        if not _alive(pid):
            return "ended by SIGTERM"
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return "ended by SIGTERM"
    time.sleep(0.2)
    return "ended by SIGKILL"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main(argv: Optional[List[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        print("usage: python3 -m modem_doctor.lab.guest SCENARIO OUT_DIR [ARGS]", file=sys.stderr)
        return 2
    name, out = args[0], Path(args[1])
    guest = Guest(out, args[2:])
    guest.fact("kernel", os.uname().release)
    status = 1
    try:
        module = importlib.import_module(f"{__package__}.scenarios.{name.replace('-', '_')}")
        status = int(module.run(guest) or 0)
    except Exception:
        guest.log("scenario failed:\n" + traceback.format_exc())
        guest.fact("error", traceback.format_exc().splitlines()[-1])
    finally:
        guest.stop_all()
        guest.fact("guest_seconds", round(guest.elapsed(), 2))
    guest.log(f"done, status {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
