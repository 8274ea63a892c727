"""FunctionFS device side, run inside the lab VM: carries bytes between the gadget's USB
endpoints and the protocol engines of ``modem_doctor.sim``.

One ``FfsFunction`` is one FunctionFS instance (``functions/ffs.NAME`` in configfs,
mounted at /dev/ffs-NAME). Each of its interfaces has a role:

- ``at``: bytes from the bulk OUT endpoint go to an AT engine (``feed(bytes) -> bytes``)
  and its answer goes back on the bulk IN endpoint (the ``option`` driver's ttyUSB).
- ``qmi``: QMUX frames arrive as SEND_ENCAPSULATED_COMMAND on ep0 and go to a QMI engine
  (``handle(frame) -> [frames]``); every answer is announced with RESPONSE_AVAILABLE on the
  interrupt endpoint and fetched by cdc-wdm with GET_ENCAPSULATED_RESPONSE.
- ``storage``: USB mass storage, bulk-only transport; CBWs go to a ``handle_cbw`` callable.
- ``idle``: OUT data is read and dropped (so the host never blocks).

Threads only; the lab process is the VM's scenario runner and ends with the VM.
"""

from __future__ import annotations

import collections
import errno
import functools
import os
import struct
import threading
import time
from typing import Callable, Deque, Dict, List, Optional, Tuple

from .usbdesc import Endpoint, Interface, ffs_descriptors, ffs_endpoint_order, ffs_strings

EVENT_NAMES = {0: "BIND", 1: "UNBIND", 2: "ENABLE", 3: "DISABLE", 4: "SETUP", 5: "SUSPEND", 6: "RESUME"}
EVENT_SIZE = 12

SEND_ENCAPSULATED_COMMAND = 0x00
GET_ENCAPSULATED_RESPONSE = 0x01

# Errors a blocked endpoint read/write gets while the function is (re)enabled or the
# gadget unbound; FunctionFS sends ENABLE twice, so these are expected and retried.
_TRANSIENT = {errno.ESHUTDOWN, errno.ECONNRESET, errno.ENODEV, errno.EINTR, errno.EAGAIN,
              errno.ENOENT, errno.EIO}


Log = Callable[[str], None]


class FfsFunction:
    """One FunctionFS function: writes its descriptors, then serves ep0 and the endpoints."""

    def __init__(self, name: str, interfaces: List[Interface], engines: Dict[int, object],
                 log: Log, base_interface: int = 0) -> None:
        self.name = name
        self.mount = f"/dev/ffs-{name}"
        self.interfaces = interfaces
        self.engines = engines  # keyed by the interface's local number
        self.log = log
        #: host-visible number of local interface 0 (for notifications' wIndex)
        self.base_interface = base_interface
        self.ep0: Optional[int] = None
        self.files: Dict[int, str] = {}  # endpoint address -> ep file path
        self.responses: Dict[int, Deque[bytes]] = collections.defaultdict(collections.deque)
        self.notify_queue: Deque[Tuple[int, bytes]] = collections.deque()
        self.notify_event = threading.Event()
        self.lock = threading.Lock()
        self.events: List[str] = []
        self.stop = False

    # -- setup -------------------------------------------------------------------
    def mount_fs(self) -> None:
        os.makedirs(self.mount, exist_ok=True)
        if not os.path.ismount(self.mount):
            rc = os.system(f"mount -t functionfs {self.name} {self.mount}")
            if rc != 0:
                raise OSError(f"mount functionfs {self.name} failed ({rc})")

    def start(self) -> None:
        """Write descriptors and strings, then start the serving threads."""
        self.mount_fs()
        self.ep0 = os.open(os.path.join(self.mount, "ep0"), os.O_RDWR)
        os.write(self.ep0, ffs_descriptors(self.interfaces))
        os.write(self.ep0, ffs_strings())
        for index, (iface, ep) in enumerate(ffs_endpoint_order(self.interfaces), start=1):
            self.files[ep.address] = os.path.join(self.mount, f"ep{index}")
        self._thread(self._ep0_loop, "ep0")
        for iface in self.interfaces:
            bulk_in = _first(iface, lambda e: e.is_in and e.kind == 2)
            bulk_out = _first(iface, lambda e: not e.is_in and e.kind == 2)
            intr = _first(iface, lambda e: e.is_in and e.kind == 3)
            if iface.role == "qmi" and intr is not None:
                self._thread(functools.partial(self._notify_loop, iface, intr), f"if{iface.number}-int")
            if bulk_out is None:
                continue
            if iface.role == "at":
                self._thread(functools.partial(self._at_loop, iface, bulk_out, bulk_in),
                             f"if{iface.number}-at")
            elif iface.role == "storage":
                self._thread(functools.partial(self._storage_loop, iface, bulk_out, bulk_in),
                             f"if{iface.number}-msc")
            else:
                self._thread(functools.partial(self._drain_loop, bulk_out), f"if{iface.number}-drain")

    def _thread(self, target: Callable[[], None], label: str) -> None:
        thread = threading.Thread(target=target, name=f"{self.name}-{label}", daemon=True)
        thread.start()

    # -- ep0 ---------------------------------------------------------------------
    def _ep0_loop(self) -> None:
        assert self.ep0 is not None
        while not self.stop:
            try:
                data = os.read(self.ep0, EVENT_SIZE * 4)
            except OSError as error:
                if error.errno in _TRANSIENT:
                    time.sleep(0.05)
                    continue
                self.log(f"{self.name}: ep0 read failed: {error}")
                return
            for pos in range(0, len(data) - EVENT_SIZE + 1, EVENT_SIZE):
                event = data[pos:pos + EVENT_SIZE]
                kind = event[8]
                name = EVENT_NAMES.get(kind, str(kind))
                if kind != 4:
                    self.events.append(name)
                    self.log(f"{self.name}: event {name}")
                    continue
                self._setup(event[:8])

    def _setup(self, setup: bytes) -> None:
        assert self.ep0 is not None
        req_type, request, value, index, length = struct.unpack("<BBHHH", setup)
        is_in = bool(req_type & 0x80)
        iface = index & 0xFF
        try:
            if is_in:
                reply = self._control_in(req_type, request, value, iface, length)
                if reply is None:
                    self.log(f"{self.name}: stall IN {req_type:02x}/{request:02x} if{iface}")
                    os.read(self.ep0, 0)  # reading on an IN request stalls it
                else:
                    os.write(self.ep0, reply[:length])
            else:
                data = os.read(self.ep0, length) if length else os.read(self.ep0, 0)
                self._control_out(req_type, request, value, iface, data)
        except OSError as error:
            if error.errno not in (errno.EL2HLT, errno.EBADMSG):
                self.log(f"{self.name}: setup {req_type:02x}/{request:02x} failed: {error}")

    def _control_out(self, req_type: int, request: int, value: int, iface: int, data: bytes) -> None:
        if request == SEND_ENCAPSULATED_COMMAND and (req_type & 0x60) == 0x20:
            engine = self.engines.get(iface)
            if engine is None:
                return
            try:
                replies = list(engine.handle(data))  # type: ignore[attr-defined]
            except Exception as error:  # an engine bug must not kill the device
                self.log(f"{self.name}: qmi engine failed on {data.hex()}: {error!r}")
                return
            for reply in replies:
                with self.lock:
                    self.responses[iface].append(reply)
                    self.notify_queue.append((iface, reply))
                self.notify_event.set()

    def _control_in(self, req_type: int, request: int, value: int, iface: int,
                    length: int) -> Optional[bytes]:
        if request == GET_ENCAPSULATED_RESPONSE and (req_type & 0x60) == 0x20:
            with self.lock:
                queue = self.responses[iface]
                return queue.popleft() if queue else b""
        if request == 0xFE and (req_type & 0x60) == 0x20:  # mass storage GET_MAX_LUN
            return b"\x00"
        return None

    # -- endpoints ---------------------------------------------------------------
    def _open(self, ep: Endpoint) -> int:
        while True:
            try:
                return os.open(self.files[ep.address], os.O_RDWR)
            except OSError as error:
                if error.errno in _TRANSIENT and not self.stop:
                    time.sleep(0.1)
                    continue
                raise

    def _read(self, fd: int, size: int) -> bytes:
        while not self.stop:
            try:
                return os.read(fd, size)
            except OSError as error:
                if error.errno in _TRANSIENT:
                    time.sleep(0.05)
                    continue
                raise
        return b""

    def _write(self, fd: int, data: bytes) -> None:
        for _ in range(200):
            try:
                os.write(fd, data)
                return
            except OSError as error:
                if error.errno in _TRANSIENT and not self.stop:
                    time.sleep(0.05)
                    continue
                raise

    def _notify_loop(self, iface: Interface, ep: Endpoint) -> None:
        fd = self._open(ep)
        while not self.stop:
            self.notify_event.wait(0.5)
            while True:
                with self.lock:
                    if not self.notify_queue:
                        self.notify_event.clear()
                        break
                    local, _ = self.notify_queue.popleft()
                wire_if = self.base_interface + local
                self._write(fd, struct.pack("<BBHHH", 0xA1, 0x01, 0, wire_if, 0))

    def _drain_loop(self, ep: Endpoint) -> None:
        fd = self._open(ep)
        while not self.stop:
            self._read(fd, 4096)

    def _at_loop(self, iface: Interface, out_ep: Endpoint, in_ep: Optional[Endpoint]) -> None:
        engine = self.engines.get(iface.number)
        fd_out = self._open(out_ep)
        fd_in = self._open(in_ep) if in_ep is not None else None
        while not self.stop:
            data = self._read(fd_out, 4096)
            if not data or engine is None or fd_in is None:
                continue
            try:
                reply = engine.feed(data)  # type: ignore[attr-defined]
            except Exception as error:
                self.log(f"{self.name}: at engine failed on {data!r}: {error!r}")
                continue
            if reply:
                self._write(fd_in, reply)

    def _storage_loop(self, iface: Interface, out_ep: Endpoint, in_ep: Optional[Endpoint]) -> None:
        handler = self.engines.get(iface.number)
        fd_out = self._open(out_ep)
        fd_in = self._open(in_ep) if in_ep is not None else None
        while not self.stop:
            cbw = self._read(fd_out, 512)
            if len(cbw) != 31 or cbw[:4] != b"USBC" or handler is None or fd_in is None:
                if cbw:
                    self.log(f"{self.name}: not a CBW: {cbw[:32].hex()}")
                continue
            tag, length, flags, _lun, cb_len = struct.unpack("<IIBBB", cbw[4:15])
            # The whole 16-byte CDB field: Huawei's switch message says bCBWCBLength 0
            # and the sticks act on it all the same.
            cdb = cbw[15:31] if cb_len == 0 else cbw[15:15 + cb_len]
            data_out = b""
            if length and not flags & 0x80:
                data_out = self._read(fd_out, length)
            status, data_in, after = handler.handle_cbw(cdb, length, data_out)  # type: ignore[attr-defined]
            residue = length
            if flags & 0x80 and length:
                chunk = (data_in or b"")[:length]
                # Pad to the requested length: the host accepts padding when the CSW
                # carries the residue, and no endpoint needs halting.
                self._write(fd_in, chunk + bytes(length - len(chunk)))
                residue = length - len(chunk)
            elif not flags & 0x80:
                residue = length - len(data_out)
            self._write(fd_in, b"USBS" + struct.pack("<IIB", tag, residue, status))
            if after is not None:
                after()


def _first(iface: Interface, test: Callable[[Endpoint], bool]) -> Optional[Endpoint]:
    for ep in iface.endpoints:
        if test(ep):
            return ep
    return None
