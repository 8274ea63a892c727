"""Small helpers used inside the lab VM: sysfs reads and an AT dialogue on a real tty."""

from __future__ import annotations

import os
import select
import termios
import time
import tty
from typing import Sequence


def read(path: str) -> str:
    """A sysfs attribute, stripped; '' when it cannot be read."""
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def at_dialogue(device: str, commands: Sequence[bytes], timeout: float = 3.0) -> bytes:
    """Send each command with CR and collect the answer up to OK/ERROR; returns the raw
    transcript (what the tty delivered, modem echo included). The tty is made raw first,
    or the line discipline would echo the modem's own echo back to it."""
    transcript = b""
    try:
        fd = os.open(device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as error:
        return f"<open {device}: {error}>\n".encode()
    try:
        tty.setraw(fd)
        attrs = termios.tcgetattr(fd)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        for command in commands:
            os.write(fd, command + b"\r")
            answer = b""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    try:
                        answer += os.read(fd, 4096)
                    except BlockingIOError:
                        continue
                    if answer.rstrip().endswith((b"OK", b"ERROR")) or b"+CME ERROR" in answer:
                        break
            transcript += answer if answer else b"<no answer to " + command + b">\r\n"
    finally:
        os.close(fd)
    return transcript
