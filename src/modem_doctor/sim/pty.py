"""Serve a simulator engine on a raw pseudo-terminal (the only transport part of ``sim``).

    from modem_doctor.sim.pty import start
    sim = start("qmi", "mu609", "ready", link="/tmp/x/cdc-wdm0")   # background thread
    ... run qmicli --device-open-qmi -d /tmp/x/cdc-wdm0 ...
    sim.stop()                                                       # joins, closes, unlinks

    sims = start_modem("mu609", "ready", {"at": "/tmp/x/ttyUSB2", "qmi": "/tmp/x/cdc-wdm0"})
    # one modem, two ports sharing one ModemState (a PIN entered over AT unlocks QMI)

``PtySimulator.serve_forever()`` is the same loop in the foreground (used by
``python -m modem_doctor.sim``). The pty is raw (``tty.setraw`` on the slave): no echo, no
CR/LF rewriting, so bytes reach the engine unchanged. The slave stays open here, so a
client closing its end does not make the master read fail, and clients may come and go.
"""

from __future__ import annotations

import errno
import os
import select
import threading
import tty
from typing import Any, Callable, Dict, List, Optional, Union

from .profiles import Profile, Scenario
from .state import ModemState

KINDS = ("at", "qmi", "mbim")


def make_engine(kind: str, profile: Union[str, Profile], scenario: Union[str, Scenario],
                overrides: Optional[Dict[str, Any]] = None, state: Optional[ModemState] = None) -> Any:
    """An engine of the given kind (at | qmi | mbim)."""
    if kind == "at":
        from .at import AtModem
        return AtModem(profile, scenario, state=state, overrides=overrides)
    if kind == "qmi":
        from .qmi import QmiModem
        return QmiModem(profile, scenario, state=state, overrides=overrides)
    if kind == "mbim":
        from .mbim import MbimModem
        return MbimModem(profile, scenario, state=state, overrides=overrides)
    raise ValueError(f"unknown simulator kind {kind!r}; use one of {', '.join(KINDS)}")


class PtySimulator:
    """One engine behind one pty master."""

    def __init__(self, kind: str, engine: Any, link: Optional[str] = None,
                 trace: Optional[Callable[[str, bytes], None]] = None) -> None:
        self.kind = kind
        self.engine = engine
        self.trace = trace
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.dropped = 0  # bytes thrown away because no client read them
        self.write_wait = 0.5  # seconds to wait for a reader before dropping output
        self.path = os.ttyname(self.slave)
        self.link = link
        self._stop_r, self._stop_w = os.pipe()
        self._closed = False
        self._linked = False
        if link:
            try:
                if os.path.islink(link) or os.path.exists(link):
                    os.unlink(link)
                os.symlink(self.path, link)
                self._linked = True
            except OSError:
                self._cleanup()
                raise
        self.thread: Optional[threading.Thread] = None
        self.error: Optional[BaseException] = None

    # --- engine glue --------------------------------------------------------------------------
    def _answer(self, data: bytes) -> List[bytes]:
        if self.kind == "at":
            out = self.engine.feed(data)
            return [out] if out else []
        return list(self.engine.feed_stream(data))

    def _unsolicited(self) -> bytes:
        take = getattr(self.engine, "take_unsolicited", None)
        return take() if take is not None else b""

    def _write(self, data: bytes) -> None:
        if self.trace:
            self.trace("out", data)
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.master, view)
            except OSError as error:
                if error.errno != errno.EAGAIN:
                    raise
                # Nobody reads the other end and its buffer is full: wait a little, then
                # drop the rest rather than hang the loop (a real modem drops URCs too).
                if not select.select([], [self.master], [], self.write_wait)[1]:
                    self.dropped += len(view)
                    return
                continue
            view = view[written:]

    # --- loop -------------------------------------------------------------------------------------
    def serve_forever(self) -> None:
        """Answer until stop() is called (from another thread or a signal handler)."""
        try:
            while True:
                ready, _, _ = select.select([self.master, self._stop_r], [], [], 0.2)
                if self._stop_r in ready:
                    return
                if self.master in ready:
                    try:
                        data = os.read(self.master, 65536)
                    except OSError as error:
                        if error.errno in (errno.EIO, errno.EAGAIN):
                            continue
                        raise
                    if not data:
                        continue
                    if self.trace:
                        self.trace("in", data)
                    for reply in self._answer(data):
                        self._write(reply)
                extra = self._unsolicited()
                if extra:
                    self._write(extra)
        except BaseException as error:  # keep it for the thread owner; the loop must not hang
            self.error = error
            raise
        finally:
            self._cleanup()

    def start(self) -> "PtySimulator":
        """Serve in a daemon thread."""
        self.thread = threading.Thread(target=self._thread_main, name=f"sim-{self.kind}", daemon=True)
        self.thread.start()
        return self

    def _thread_main(self) -> None:
        try:
            self.serve_forever()
        except BaseException:  # noqa: B036 - recorded in self.error
            pass

    def request_stop(self) -> None:
        """Ask the loop to end (safe from signal handlers)."""
        try:
            os.write(self._stop_w, b"x")
        except OSError:
            pass

    def stop(self, timeout: float = 5.0) -> None:
        """End the loop, join the thread, close the pty and remove the link."""
        self.request_stop()
        if self.thread is not None:
            self.thread.join(timeout)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Remove the link only if it still points at our pty (another run may own it now).
        if self._linked and self.link and os.path.islink(self.link) and os.readlink(self.link) == self.path:
            try:
                os.unlink(self.link)
            except OSError:
                pass
        for fd in (self.master, self.slave, self._stop_r, self._stop_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "PtySimulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(kind: str, profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
          link: Optional[str] = None, overrides: Optional[Dict[str, Any]] = None,
          state: Optional[ModemState] = None,
          trace: Optional[Callable[[str, bytes], None]] = None) -> PtySimulator:
    """Start a simulator on a new pty in a background thread; call ``.stop()`` when done."""
    engine = make_engine(kind, profile, scenario, overrides=overrides, state=state)
    return PtySimulator(kind, engine, link=link, trace=trace).start()


def start_modem(profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
                links: Optional[Dict[str, Optional[str]]] = None, overrides: Optional[Dict[str, Any]] = None,
                trace: Optional[Callable[[str, bytes], None]] = None) -> List[PtySimulator]:
    """Several ports of one modem ({"at": link, "qmi": link, ...}) sharing one ModemState."""
    state = ModemState(profile, scenario, overrides)
    started: List[PtySimulator] = []
    try:
        for kind, link in (links or {"at": None, "qmi": None}).items():
            started.append(start(kind, link=link, state=state, trace=trace))
    except BaseException:
        for simulator in started:
            simulator.stop()
        raise
    return started
