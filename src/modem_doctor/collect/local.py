"""Run the collector on this host: ``sh -s`` with the script on standard input.

Works as root or not. Without root, /sys/kernel/debug is usually unreadable, and the
collector falls back to its sysfs walk by itself. The whole run has an outer time limit
on top of the per-capture bounds; when it passes, the shell is ended by its own PID.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from typing import Callable, List, Optional, Sequence

from ..errors import CollectError
from .runner import RunOutput

OUTER_TIMEOUT_S = 600.0


def run(script: str, on_data: Optional[Callable[[bytes], None]] = None,
        shell: Optional[Sequence[str]] = None, timeout: float = OUTER_TIMEOUT_S) -> RunOutput:
    """``shell``: the shell's argv before ``-s`` (default: ``sh`` from PATH), e.g.
    ``["/bin/busybox", "sh"]`` for BusyBox ash as on OpenWrt."""
    argv = list(shell) if shell else [shutil.which("sh") or "/bin/sh"]
    if os.sep not in argv[0]:
        argv[0] = shutil.which(argv[0]) or argv[0]  # a bare name is looked up on PATH
    if not os.path.exists(argv[0]):
        raise CollectError(f"this host has no POSIX shell at {argv[0]}; collection needs one")
    shell_name = " ".join(argv)
    payload = script.encode("utf-8")
    started = time.monotonic()
    try:
        process = subprocess.Popen(argv + ["-s"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
    except OSError as error:
        raise CollectError(f"cannot start {shell_name}: {error.strerror or error}") from None
    chunks: List[bytes] = []
    errors: List[bytes] = []

    def pump_err() -> None:
        assert process.stderr is not None
        errors.append(process.stderr.read())

    def feed() -> None:
        assert process.stdin is not None
        try:
            process.stdin.write(payload)
            process.stdin.close()
        except OSError:
            pass

    threads = [threading.Thread(target=pump_err, daemon=True), threading.Thread(target=feed, daemon=True)]
    for thread in threads:
        thread.start()
    timer = threading.Timer(timeout, _end, (process,))
    timer.start()
    try:
        assert process.stdout is not None
        while True:
            chunk = process.stdout.read1(65536) if hasattr(process.stdout, "read1") else process.stdout.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if on_data is not None:
                on_data(chunk)
        status = process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            _end(process)
    for thread in threads:
        thread.join(timeout=5)
    stdout = b"".join(chunks)
    return RunOutput(stdout=stdout, stderr=b"".join(errors), exit_status=status, sent=len(payload),
                     received=len(stdout), seconds=time.monotonic() - started,
                     transport={"transport": "local", "shell": shell_name, "uid": os.getuid() if hasattr(os, "getuid") else None})


def _end(process: "subprocess.Popen[bytes]") -> None:
    """End the collector shell by its own PID (its captures are bounded by their own watchdogs)."""
    if process.poll() is None:
        process.kill()
