"""gadgetfs device side, run inside the lab VM: a whole USB device described from
userspace. Used for MBIM, because FunctionFS refuses class-specific (CS_INTERFACE)
descriptors and the kernel has no MBIM gadget function.

Protocol of /dev/gadget/<udc> (drivers/usb/gadget/legacy/inode.c): write u32 0, the
full-speed configuration, the high-speed configuration and the device descriptor in one
write; then read 12-byte events. Endpoint files carry dummy_hcd's names, and the
descriptors' addresses must match them (ep1in-bulk = 0x81, ep2out-bulk = 0x02,
ep5in-int = 0x85). An endpoint is enabled by writing u32 1 plus its FS and HS descriptors.
"""

from __future__ import annotations

import collections
import errno
import os
import struct
import threading
import time
from typing import Callable, Deque, Dict, List, Optional, Tuple

from .usbdesc import Interface, config_descriptor, device_descriptor

EVENT_SIZE = 12
NOP, CONNECT, DISCONNECT, SETUP, SUSPEND = range(5)
MOUNT = "/dev/gadget"
#: gadgetfs answers IN control requests with at most this many bytes (RBUF_SIZE).
CONTROL_IN_LIMIT = 256

Log = Callable[[str], None]


class CdcControlDevice:
    """A one-configuration gadgetfs device whose control interface speaks an
    encapsulated protocol (MBIM here): SEND_ENCAPSULATED_COMMAND in, RESPONSE_AVAILABLE on
    the interrupt endpoint, GET_ENCAPSULATED_RESPONSE out."""

    def __init__(self, vid: int, pid: int, interfaces: List[Interface], engine: Optional[object],
                 log: Log, ep_names: Dict[int, str], class_in: Optional[Dict[int, bytes]] = None,
                 strings: Tuple[str, ...] = ()) -> None:
        self.vid, self.pid = vid, pid
        self.interfaces = interfaces
        self.engine = engine
        self.log = log
        self.ep_names = ep_names  # endpoint address -> gadgetfs file name
        self.class_in = class_in or {}  # bRequest -> fixed reply for class IN requests
        self.fd: Optional[int] = None
        self.ep_fds: Dict[int, int] = {}
        self.responses: Deque[bytes] = collections.deque()
        self.pending_notify = threading.Semaphore(0)
        self.lock = threading.Lock()
        self.events: List[str] = []
        self.requests: List[str] = []
        self.comm_if = interfaces[0].number
        self.strings = strings  # string descriptors 1..N (gadgetfs leaves them to us)

    def start(self, udc_file: str = "dummy_udc") -> None:
        os.makedirs(MOUNT, exist_ok=True)
        if not os.path.ismount(MOUNT):
            if os.system(f"mount -t gadgetfs gadgetfs {MOUNT}") != 0:
                raise OSError("mount -t gadgetfs failed")
        self.fd = os.open(os.path.join(MOUNT, udc_file), os.O_RDWR)
        # gadgetfs refuses remote wakeup (bmAttributes bit 5): self-powered only.
        fs = config_descriptor(1, self.interfaces, high_speed=False, attributes=0xC0)
        hs = config_descriptor(1, self.interfaces, high_speed=True, attributes=0xC0)
        dev = device_descriptor(self.vid, self.pid, bcd_device=0x0006, configs=1,
                                manufacturer=1 if self.strings else 0,
                                product=2 if len(self.strings) > 1 else 0)
        os.write(self.fd, struct.pack("<I", 0) + fs + hs + dev)
        threading.Thread(target=self._ep0_loop, name="gadgetfs-ep0", daemon=True).start()

    def _enable_endpoints(self) -> None:
        for iface in self.interfaces:
            for ep in iface.endpoints:
                if ep.address in self.ep_fds:
                    continue
                path = os.path.join(MOUNT, self.ep_names[ep.address])
                fd = os.open(path, os.O_RDWR)
                os.write(fd, struct.pack("<I", 1) + ep.descriptor(False) + ep.descriptor(True))
                self.ep_fds[ep.address] = fd
                if ep.kind == 3:
                    threading.Thread(target=self._notify_loop, args=(fd,), daemon=True).start()
                elif not ep.is_in:
                    threading.Thread(target=self._drain_loop, args=(fd,), daemon=True).start()
        self.log("gadgetfs: endpoints enabled")

    def _ep0_loop(self) -> None:
        assert self.fd is not None
        while True:
            try:
                data = os.read(self.fd, EVENT_SIZE * 4)
            except OSError as error:
                if error.errno in (errno.EINTR, errno.EAGAIN, errno.ESHUTDOWN, errno.EL2HLT):
                    time.sleep(0.02)
                    continue
                self.log(f"gadgetfs: ep0 read failed: {error}")
                return
            for pos in range(0, len(data) - EVENT_SIZE + 1, EVENT_SIZE):
                kind = struct.unpack("<I", data[pos + 8:pos + 12])[0]
                if kind == SETUP:
                    self._setup(data[pos:pos + 8])
                elif kind != NOP:
                    name = {CONNECT: "CONNECT", DISCONNECT: "DISCONNECT", SUSPEND: "SUSPEND"}.get(kind, str(kind))
                    self.events.append(name)
                    self.log(f"gadgetfs: event {name}")

    def _setup(self, setup: bytes) -> None:
        assert self.fd is not None
        req_type, request, value, index, length = struct.unpack("<BBHHH", setup)
        self.requests.append(f"{req_type:02x}/{request:02x} v={value} i={index} l={length}")
        try:
            if req_type & 0x80:
                reply = self._control_in(req_type, request, value, length)
                if reply is None:
                    self.log(f"gadgetfs: stall IN {req_type:02x}/{request:02x}")
                    os.read(self.fd, 0)
                else:
                    os.write(self.fd, reply[:length])
                return
            body = os.read(self.fd, length) if length else b""
            if req_type == 0x00 and request == 0x09:  # SET_CONFIGURATION
                if value:
                    self._enable_endpoints()
            elif req_type == 0x21 and request == 0x00:  # SEND_ENCAPSULATED_COMMAND
                self._command(body)
            if not length:
                os.read(self.fd, 0)  # status stage: ack
        except OSError as error:
            if error.errno not in (errno.EL2HLT, errno.EBADMSG):
                self.log(f"gadgetfs: setup {req_type:02x}/{request:02x} failed: {error}")

    def _control_in(self, req_type: int, request: int, value: int, length: int) -> Optional[bytes]:
        if req_type == 0x80 and request == 0x06 and value >> 8 == 3:  # GET_DESCRIPTOR string
            index = value & 0xFF
            if index == 0:
                return struct.pack("<BBH", 4, 3, 0x0409)
            if index <= len(self.strings):
                text = self.strings[index - 1].encode("utf-16-le")
                return struct.pack("<BB", 2 + len(text), 3) + text
            return None
        if req_type == 0xA1 and request == 0x01:  # GET_ENCAPSULATED_RESPONSE
            with self.lock:
                return self.responses.popleft() if self.responses else b""
        if (req_type & 0x60) == 0x20 and request in self.class_in:
            return self.class_in[request]
        return None

    def _command(self, message: bytes) -> None:
        if self.engine is None:
            return
        try:
            replies = list(self.engine.handle(message))  # type: ignore[attr-defined]
        except Exception as error:
            self.log(f"gadgetfs: engine failed on {message[:16].hex()}: {error!r}")
            return
        # Whatever the host asked for, one response cannot exceed what gadgetfs passes.
        if getattr(self.engine, "max_transfer", 0) > CONTROL_IN_LIMIT:
            self.engine.max_transfer = CONTROL_IN_LIMIT  # type: ignore[attr-defined]
        for reply in replies:
            if len(reply) > CONTROL_IN_LIMIT:
                self.log(f"gadgetfs: reply of {len(reply)} bytes cut to {CONTROL_IN_LIMIT}")
            with self.lock:
                self.responses.append(reply)
            self.pending_notify.release()

    def _notify_loop(self, fd: int) -> None:
        notice = struct.pack("<BBHHH", 0xA1, 0x01, 0, self.comm_if, 0)
        while True:
            self.pending_notify.acquire()
            for _ in range(100):
                try:
                    os.write(fd, notice)
                    break
                except OSError as error:
                    if error.errno in (errno.ESHUTDOWN, errno.EINTR, errno.ECONNRESET, errno.EAGAIN):
                        time.sleep(0.05)
                        continue
                    self.log(f"gadgetfs: notify failed: {error}")
                    break

    def _drain_loop(self, fd: int) -> None:
        while True:
            try:
                os.read(fd, 4096)
            except OSError:
                time.sleep(0.1)


def ntb_parameters() -> bytes:
    """Reply to GET_NTB_PARAMETERS (28 bytes): 16-bit NTBs, 16 KiB each way."""
    return struct.pack("<HHIHHHHIHHHH", 28, 0x0001, 16384, 4, 0, 4, 0, 16384, 4, 0, 4, 0)


__all__ = ["CdcControlDevice", "ntb_parameters"]
