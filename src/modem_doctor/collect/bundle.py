"""Bundles: what one collection gathered, as ``manifest.json`` + ``captures/<id>.txt``
in a .tar.gz, and the reading of the collector's framed stream into one.

The manifest (schema ``modem-doctor/bundle/1``) records, for every capture: its id, the
parser kind its spec names, the command as run, exit status, duration, bytes, standard
error and flags (timeout, truncated, binary, missing). A failed capture is an entry, not
an error, so a bundle always keeps what was collected.

Reading a bundle is defensive: it is user input. Anything that is not a gzip tar with a
manifest, a truncated archive, names that would escape a directory, links, devices,
members larger than the input limit: each gives one ``InputError`` line.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import time
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..errors import InputError
from ..model.common import Line
from .specs import spec_for, shown_command

SCHEMA = "modem-doctor/bundle/1"
MANIFEST = "manifest.json"
CAPTURE_DIR = "captures/"
# A member larger than this is refused before it is read (the whole-input limit of parse/).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
NOTE_PREFIX = "# modem-doctor:"
_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,120}$")


@dataclass(frozen=True)
class CaptureResult:
    """One capture as the collector recorded it."""

    id: str
    command: str
    rc: Optional[int]  # None when the command was killed (timeout)
    ms: int
    data: bytes  # standard output, as bounded by the collector
    stderr: str = ""
    flags: Tuple[str, ...] = ()  # 'timeout', 'truncated'
    recorded_kind: Optional[str] = None  # the kind a saved manifest names

    @property
    def kind(self) -> Optional[str]:
        """The parser kind: this version's spec for the id, else the kind the manifest
        recorded (a bundle from a newer collector) when a parser of that kind exists."""
        spec = spec_for(self.id)
        if spec is not None:
            return spec.kind
        if self.recorded_kind:
            from ..parse import PARSERS

            return self.recorded_kind if self.recorded_kind in PARSERS else None
        return None

    @property
    def binary(self) -> bool:
        return b"\x00" in self.data

    @property
    def status(self) -> str:
        """ok, missing (command not found), timeout, failed (rc != 0), binary, empty, truncated."""
        if "timeout" in self.flags:
            return "timeout"
        if self.rc == 127 and not self.data:
            return "missing"
        if self.binary:
            return "binary"
        if "truncated" in self.flags:
            return "truncated"
        if self.rc not in (0, None) and not self.data:
            return "failed"
        return "ok" if self.data else "empty"

    def problem(self) -> Optional[str]:
        """One line saying what went wrong with this capture, or None."""
        status = self.status
        first_err = self.stderr.strip().splitlines()[0] if self.stderr.strip() else ""
        if status == "timeout":
            return (f"{self.id}: '{self.command}' did not finish in time and was stopped after "
                    f"{self.ms / 1000:.1f} s; kept {len(self.data)} bytes")
        if status == "missing":
            return f"{self.id}: '{self.command}' is not available on this host ({first_err or 'not found'})"
        if status == "binary":
            nul = self.data.count(b"\0")
            return (f"{self.id}: '{self.command}' printed binary data ({nul} NUL bytes "
                    f"in {len(self.data)}); kept in the bundle, not read")
        if status == "truncated":
            return f"{self.id}: '{self.command}' printed more than {len(self.data)} bytes; the first {len(self.data)} were kept"
        if status == "failed":
            return f"{self.id}: '{self.command}' failed (exit {self.rc}){': ' + first_err if first_err else ''}"
        return None

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def manifest_entry(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "file": f"{CAPTURE_DIR}{self.id}.txt",
            "command": self.command,
            "rc": self.rc,
            "ms": self.ms,
            "bytes": len(self.data),
            "stderr": self.stderr,
            "flags": list(self.flags),
            "status": self.status,
        }


@dataclass(frozen=True)
class Bundle:
    captures: Tuple[CaptureResult, ...]
    meta: Dict[str, Any] = field(default_factory=dict)  # transport, target, times, redaction
    problems: Tuple[str, ...] = ()  # transport-level: stream cut short, login refused after...
    name: str = "bundle"

    def capture(self, capture_id: str) -> Optional[CaptureResult]:
        for capture in self.captures:
            if capture.id == capture_id:
                return capture
        return None

    def capture_problems(self) -> List[str]:
        return [line for line in (c.problem() for c in self.captures) if line]

    def manifest(self) -> Dict[str, Any]:
        doc: Dict[str, Any] = {"schema": SCHEMA}
        doc.update(self.meta)
        doc["problems"] = list(self.problems)
        doc["captures"] = [c.manifest_entry() for c in self.captures]
        return doc

    def redacted(self) -> "Bundle":
        """The same bundle with every capture, its stderr and command passed through one
        ``Redactor`` (stable pseudonyms across captures)."""
        from ..redact import Redactor

        redactor = Redactor()
        captures = []
        for capture in self.captures:
            data = capture.data
            if not capture.binary:
                data = redactor.redact(capture.text()).encode("utf-8")
            captures.append(replace(capture, data=data, stderr=redactor.redact(capture.stderr),
                                    command=redactor.redact(capture.command)))
        meta = dict(self.meta)
        if "target" in meta:
            meta["target"] = redactor.redact(str(meta["target"]))
        meta["redacted"] = True
        meta["redactions"] = redactor.counts
        return replace(self, captures=tuple(captures), meta=meta)

    # -- writing ------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
            now = int(time.time())
            _add(tar, MANIFEST, (json.dumps(self.manifest(), indent=2, sort_keys=True) + "\n").encode(), now)
            for capture in self.captures:
                _add(tar, f"{CAPTURE_DIR}{capture.id}.txt", capture.data, now)
        return buffer.getvalue()

    def write(self, path: str) -> None:
        """Write atomically: a partial file never takes the name."""
        data = self.to_bytes()
        directory = os.path.dirname(os.path.abspath(path))
        temp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except OSError:
            if os.path.exists(temp):
                os.unlink(temp)
            raise


def _add(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


# -- the collector's stream -------------------------------------------------------------------
_HEADER = re.compile(rb"^==MD== (\S+) (begin|cap|end|fatal)(?: (.*))?$")
_FIELDS = re.compile(rb"(\w+)=(\S*)")


def split_stream(data: bytes, meta: Optional[Dict[str, Any]] = None, name: str = "bundle") -> Bundle:
    """Split the collector's output into captures. Never raises: whatever came before a
    damaged or missing frame is kept, and the damage becomes a bundle problem."""
    problems: List[str] = []
    captures: List[CaptureResult] = []
    meta = dict(meta or {})
    start = data.find(b"==MD== ")
    while start > 0 and data[start - 1:start] != b"\n":
        start = data.find(b"==MD== ", start + 1)
    if start < 0:
        problems.append("the collector printed nothing recognisable (no '==MD==' frame)")
        return Bundle(tuple(captures), meta, tuple(problems), name)
    nonce: Optional[bytes] = None
    pos = start
    ended = False
    while pos < len(data):
        eol = data.find(b"\n", pos)
        if eol < 0:
            break
        match = _HEADER.match(data[pos:eol])
        if not match or (nonce is not None and match.group(1) != nonce):
            problems.append(f"collector stream damaged after {len(captures)} capture(s)")
            break
        fields = {k.decode(): v.decode("utf-8", "replace") for k, v in _FIELDS.findall(match.group(3) or b"")}
        what = match.group(2)
        pos = eol + 1
        if what == b"begin":
            nonce = match.group(1)
            meta["collector"] = {"version": fields.get("v", ""), "uid": _int(fields.get("uid"))}
            meta["host_uptime_ms"] = _int(fields.get("ms"))
            continue
        if what == b"end":
            ended = True
            if meta.get("host_uptime_ms") is not None and _int(fields.get("ms")) is not None:
                meta["collector_ms"] = _int(fields.get("ms")) - meta["host_uptime_ms"]
            break
        if what == b"fatal":
            problems.append(f"collector stopped: {(match.group(3) or b'').decode('utf-8', 'replace')}")
            ended = True
            break
        words = (match.group(3) or b"").split(b" ", 1)
        capture_id = words[0].decode("ascii", "replace")
        cmd_end = data.find(b"\n", pos)
        out_n, err_n = _int(fields.get("out")) or 0, _int(fields.get("err")) or 0
        if cmd_end < 0 or cmd_end + 1 + out_n + err_n > len(data):
            problems.append(f"collector stream ended inside capture {capture_id!r} "
                            f"after {len(captures)} complete capture(s)")
            break
        command = shown_command(data[pos:cmd_end].decode("utf-8", "replace").strip())
        body = cmd_end + 1
        out = data[body:body + out_n]
        err = data[body + out_n:body + out_n + err_n].decode("utf-8", "replace")
        pos = body + out_n + err_n
        if not _ID.match(capture_id):
            problems.append(f"capture with a bad id {capture_id!r} skipped")
            continue
        flags = tuple(f for f in fields.get("flags", "-").split(",") if f and f != "-")
        captures.append(CaptureResult(capture_id, command, _int(fields.get("rc")), _int(fields.get("ms")) or 0,
                                      out, err, flags))
    if not ended and not any("stream" in p for p in problems):
        problems.append(f"collector stream ended early after {len(captures)} capture(s) (connection lost?)")
    return Bundle(tuple(captures), meta, tuple(problems), name)


def _int(value: Optional[str]) -> Optional[int]:
    try:
        return int(value) if value not in (None, "", "-") else None
    except ValueError:
        return None


# -- reading a saved bundle -------------------------------------------------------------------
def looks_like_bundle(path: str) -> bool:
    """True for a .tar.gz/.tgz name or gzip magic bytes (a bundle saved under another name)."""
    lowered = path.lower()
    if lowered.endswith((".tar.gz", ".tgz")):
        return True
    if path == "-" or not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def read_bundle(path: str) -> Bundle:
    """Read a bundle written by ``Bundle.write``; every defect is one ``InputError``."""
    try:
        size = os.path.getsize(path)
        handle = open(path, "rb")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a bundle") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    with handle:
        if handle.read(2) != b"\x1f\x8b":
            raise InputError(path, "not a modem-doctor bundle (not a gzip-compressed tar file)")
        handle.seek(0)
        return _read_tar(handle, path, size)


def bundle_from_bytes(data: bytes, name: str = "bundle") -> Bundle:
    if data[:2] != b"\x1f\x8b":
        raise InputError(name, "not a modem-doctor bundle (not a gzip-compressed tar file)")
    return _read_tar(io.BytesIO(data), name, len(data))


def _gunzip(handle: Any, path: str, size: int) -> bytes:
    """The whole decompressed stream, bounded; a cut-off stream is 'truncated'."""
    limit = MAX_UNPACKED_BYTES
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: List[bytes] = []
    total = 0
    try:
        while not inflater.eof:
            chunk = handle.read(65536)
            if not chunk:
                raise InputError(path, f"bundle is truncated ({size} bytes): the compressed data ends early")
            part = inflater.decompress(chunk, limit + 1 - total)
            total += len(part)
            parts.append(part)
            if total > limit:
                raise InputError(path, f"bundle unpacks to more than {limit // (1024 * 1024)} MB")
    except zlib.error as error:
        raise InputError(path, f"not a readable bundle: damaged compressed data ({error})") from None
    return b"".join(parts)


def _read_tar(handle: Any, path: str, size: int) -> Bundle:
    members: Dict[str, bytes] = {}
    raw = _gunzip(handle, path, size)
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            count = 0
            total = 0
            for info in tar:
                count += 1
                if count > MAX_MEMBERS:
                    raise InputError(path, f"more than {MAX_MEMBERS} files in the bundle")
                name = info.name
                _check_name(path, name)
                if info.isdir():
                    continue
                if not info.isfile():
                    raise InputError(path, f"bundle member {name!r} is a link or device, not a file")
                if info.size > MAX_MEMBER_BYTES or (name == MANIFEST and info.size > MAX_MANIFEST_BYTES):
                    raise InputError(path, f"bundle member {name!r} is {info.size} bytes; the limit is "
                                           f"{MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES}")
                total += info.size
                if name in members:
                    raise InputError(path, f"bundle member {name!r} appears twice")
                extracted = tar.extractfile(info)
                if extracted is None:
                    raise InputError(path, f"bundle member {name!r} cannot be read")
                members[name] = extracted.read()
    except InputError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        detail = str(error) or type(error).__name__
        if isinstance(error, EOFError) or "unexpected end" in detail.lower():
            raise InputError(path, f"bundle is truncated ({size} bytes): {detail}") from None
        raise InputError(path, f"not a readable bundle: the compressed data is not a tar archive ({detail})") from None
    if MANIFEST not in members:
        raise InputError(path, "not a modem-doctor bundle: manifest.json is missing")
    try:
        manifest = json.loads(members[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(path, f"manifest.json is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise InputError(path, f"manifest.json is not a {SCHEMA} manifest")
    entries = manifest.get("captures")
    if not isinstance(entries, list):
        raise InputError(path, "manifest.json lists no captures")
    captures: List[CaptureResult] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not _ID.match(entry["id"]):
            raise InputError(path, f"manifest.json has a bad capture entry: {str(entry)[:80]}")
        file_name = f"{CAPTURE_DIR}{entry['id']}.txt"
        if file_name not in members:
            raise InputError(path, f"manifest.json lists {entry['id']!r} but {file_name} is missing")
        flags = entry["flags"] if isinstance(entry.get("flags"), list) else []
        rc = entry["rc"] if isinstance(entry.get("rc"), int) else None
        ms = entry["ms"] if isinstance(entry.get("ms"), int) else 0
        kind = entry["kind"] if isinstance(entry.get("kind"), str) else None
        captures.append(CaptureResult(entry["id"], str(entry.get("command", "")), rc, ms, members[file_name],
                                      str(entry.get("stderr", "")), tuple(str(f) for f in flags), kind))
    meta = {k: v for k, v in manifest.items() if k not in ("schema", "captures", "problems")}
    problems = manifest["problems"] if isinstance(manifest.get("problems"), list) else []
    return Bundle(tuple(captures), meta, tuple(str(p) for p in problems), os.path.basename(path))


def _check_name(path: str, name: str) -> None:
    parts = name.split("/")
    if (name.startswith("/") or "\\" in name or ".." in parts or not name
            or not (name == MANIFEST or name.rstrip("/") == "captures"
                    or (len(parts) == 2 and parts[0] == "captures" and _ID.match(parts[1][:-4] or "")
                        and parts[1].endswith(".txt")))):
        raise InputError(path, f"bundle member {name!r} is not a manifest or capture name (refused)")


# -- into the parsers ----------------------------------------------------------------------------
def extractions(bundle: Bundle, source: Optional[str] = None) -> List[Any]:
    """One ``Extraction`` per capture that a parser reads, with a single block of the kind
    the capture's spec names: parsers get the right text without guessing."""
    from ..extract import Block, Extraction

    base = source or bundle.name
    out: List[Any] = []
    for capture in bundle.captures:
        kind = capture.kind
        if kind is None or capture.binary or not capture.data:
            continue
        # The collector's own note ('# modem-doctor: ...', the sysfs walk's "only the active
        # configuration is visible") is for people; the kind already tells the parser.
        lines = tuple(Line(number, text) for number, text in enumerate(capture.text().splitlines(), 1)
                      if not (number == 1 and text.startswith(NOTE_PREFIX)))
        if not any(line.text.strip() for line in lines):
            continue
        block = Block(kind=kind, first_line=lines[0].number, last_line=lines[-1].number, lines=lines,
                      command=capture.command, by_command=True)
        out.append(Extraction(source=f"{base}/{capture.id}", blocks=(block,), line_count=len(lines)))
    return out


ProgressFn = Callable[[int], None]


_CAP_FRAME = re.compile(rb"(?:^|\n)==MD== \S+ cap ")


def count_frames(data: bytes) -> int:
    """Capture frames in ``data`` (a header split across two chunks is missed; progress only)."""
    return len(_CAP_FRAME.findall(data))
