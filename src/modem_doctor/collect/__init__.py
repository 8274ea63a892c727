"""Collection: run one read-only shell script on this host or on a router over SSH, and
keep what it printed as a bundle (``manifest.json`` + ``captures/<id>.txt``).

    specs.py          CAPTURES: id, command, parser kind, bounds
    collector.sh      the script's functions (frames, watchdog, sysfs USB walk)
    bundle.py         the framed stream -> Bundle; Bundle <-> .tar.gz; Bundle -> parsers
    local.py          transport: this host (sh -s)
    ssh_asyncssh.py   transport: SSH with asyncssh (optional extra 'ssh'), one session
    replay.py         transport: a saved bundle

``collect(...)`` is the one entry point the commands use.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Dict, Optional, Sequence

from .bundle import Bundle, count_frames, split_stream
from .runner import RunOutput
from .specs import script

__all__ = ["Bundle", "Progress", "collect", "collect_local", "collect_ssh"]


class Progress:
    """'collecting from X: N captures' on a terminal's stderr; silent when piped."""

    def __init__(self, label: str, stream: Any = None, enabled: Optional[bool] = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.frames = 0
        self.tail = b""
        self.shown = False

    def feed(self, chunk: bytes) -> None:
        if not self.enabled:
            return
        data = self.tail + chunk
        self.frames += count_frames(data) - count_frames(self.tail)
        self.tail = data[-200:]
        self.stream.write(f"\r{self.label}: {self.frames} captures")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        if self.enabled and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _bundle(output: RunOutput, name: str, meta: Dict[str, Any]) -> Bundle:
    meta = dict(meta)
    meta.update(output.transport)
    meta["seconds"] = round(output.seconds, 3)
    meta["bytes_sent"] = output.sent
    meta["bytes_received"] = output.received
    meta["exit_status"] = output.exit_status
    bundle = split_stream(output.stdout, meta, name)
    problems = list(bundle.problems)
    if output.error:
        problems.insert(0, output.error)
    shell_err = output.stderr.decode("utf-8", "replace").strip()
    if shell_err and not bundle.captures:
        problems.append(f"the shell said: {shell_err.splitlines()[0]}")
    return Bundle(bundle.captures, bundle.meta, tuple(problems), name)


def _meta() -> Dict[str, Any]:
    from .. import __version__

    return {"tool": f"modem-doctor {__version__}",
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def collect_local(settings: Optional[Dict[str, str]] = None, progress: Optional[Progress] = None,
                  shell: Optional[Sequence[str]] = None) -> Bundle:
    from . import local

    output = local.run(script(settings, compact=True), on_data=progress.feed if progress else None, shell=shell)
    if progress:
        progress.done()
    return _bundle(output, "local", dict(_meta(), target="localhost"))


def collect_ssh(target: str, settings: Optional[Dict[str, str]] = None, progress: Optional[Progress] = None,
                **options: Any) -> Bundle:
    from . import ssh_asyncssh

    try:
        output = ssh_asyncssh.run(script(settings, compact=True), target, on_data=progress.feed if progress else None, **options)
    finally:
        if progress:
            progress.done()
    return _bundle(output, "ssh", _meta())


def collect(source: str, target: Optional[str] = None, settings: Optional[Dict[str, str]] = None,
            progress: Optional[Progress] = None, **options: Any) -> Bundle:
    """``source``: 'local', 'ssh' (``target`` = user@host:port) or 'replay' (``target`` = bundle path)."""
    if source == "local":
        return collect_local(settings, progress, shell=options.get("shell"))
    if source == "ssh":
        return collect_ssh(target or "", settings, progress, **options)
    if source == "replay":
        from .replay import replay

        return replay(target or "")
    raise ValueError(f"unknown collection source {source!r}")


ProgressFactory = Callable[[str], Progress]
