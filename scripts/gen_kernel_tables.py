#!/usr/bin/env python3
"""Generate ``src/modem_doctor/data/kernel/usb-tables.json`` from Debian's ``linux-source-6.1``.

The kernel decides which driver binds an interface from each driver's ``usb_device_id``
table plus the driver's probe function. This script reads the tables, with their per-entry
``driver_info`` flags, out of the real kernel source so the emulation in
``knowledge/binding.py`` works from the same facts the kernel does.

    scripts/gen_kernel_tables.py             # apt-get download the package, write the JSON
    scripts/gen_kernel_tables.py --deb FILE  # use a .deb already on disk (no network)
    scripts/gen_kernel_tables.py --check     # regenerate into a temp dir, diff, exit 1 on change

How it reads C: comments are blanked (line numbers kept), preprocessor directives are
followed with every ``CONFIG_*`` option taken as enabled (what OpenWrt's buildbot and Debian
do for these drivers), ``#define`` macros from the driver and the USB headers are expanded on
tokens, and each ``{ ... }`` element of a ``struct usb_device_id`` array becomes one entry:
its designated initialisers evaluated to numbers, ``driver_info`` kept either as a number or
as the name of the structure it points to. Structures that ``driver_info`` points to (usbnet
``driver_info``, sierra's interface lists) are read the same way.

The output is deterministic: keys sorted, one table entry per line, no timestamps; the
package version and each source file's SHA-256 are recorded.
Exit status of --check: 0 identical, 1 different, 2 inputs unavailable.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import hashlib
import io
import json
import lzma
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT_DIR = os.path.join(REPO, "src", "modem_doctor", "data", "kernel")
OUTPUT_NAME = "usb-tables.json"
PACKAGE = "linux-source-6.1"
CACHE_DIRS = (os.path.join(REPO, ".lab-cache"), os.path.expanduser("~/.cache/modem-doctor"))
INNER_TARBALL = "usr/src/linux-source-6.1.tar.xz"
TREE_PREFIX = "linux-source-6.1/"

# Headers whose macros the tables use (match flags, class codes, CDC codes, usbnet flags).
HEADERS = (
    "include/linux/mod_devicetable.h",
    "include/linux/usb.h",
    "include/uapi/linux/usb/ch9.h",
    "include/uapi/linux/usb/cdc.h",
    "include/linux/usb/usbnet.h",
    "include/linux/usb/cdc_ncm.h",
    "include/linux/usb/storage.h",
)

# driver name as usbcore shows it (Driver= in listings) -> source file, device-id table,
# kind (how usbcore reaches the probe: usb-serial drivers share usb_serial_probe).
DRIVERS = (
    ("option", "drivers/usb/serial/option.c", "option_ids", "usb-serial"),
    ("qcserial", "drivers/usb/serial/qcserial.c", "id_table", "usb-serial"),
    ("sierra", "drivers/usb/serial/sierra.c", "id_table", "usb-serial"),
    ("qmi_wwan", "drivers/net/usb/qmi_wwan.c", "products", "usbnet"),
    ("cdc_ether", "drivers/net/usb/cdc_ether.c", "products", "usbnet"),
    ("cdc_ncm", "drivers/net/usb/cdc_ncm.c", "cdc_devs", "usbnet"),
    ("huawei_cdc_ncm", "drivers/net/usb/huawei_cdc_ncm.c", "huawei_cdc_ncm_devs", "usbnet"),
    ("cdc_mbim", "drivers/net/usb/cdc_mbim.c", "mbim_devs", "usbnet"),
    ("rndis_host", "drivers/net/usb/rndis_host.c", "products", "usbnet"),
    ("sierra_net", "drivers/net/usb/sierra_net.c", "products", "usbnet"),
    ("zaurus", "drivers/net/usb/zaurus.c", "products", "usbnet"),
    ("cdc_subset", "drivers/net/usb/cdc_subset.c", "products", "usbnet"),
    ("hso", "drivers/net/usb/hso.c", "hso_ids", "usb"),
    ("ipheth", "drivers/net/usb/ipheth.c", "ipheth_table", "usb"),
    ("cdc_acm", "drivers/usb/class/cdc-acm.c", "acm_ids", "usb"),
    ("cdc_wdm", "drivers/usb/class/cdc-wdm.c", "wdm_ids", "usb"),
)

# Private headers and the named constants the emulation needs, recorded per driver with
# their values so knowledge/binding.py never hard-codes a flag bit.
DRIVER_HEADERS = {
    "cdc_acm": ("drivers/usb/class/cdc-acm.h",),
}
DRIVER_CONSTANTS = {
    "option": ("FLAG_IFNUM_MAX", "NUMEP2", "ZLP"),
    "qcserial": ("QCSERIAL_G2K", "QCSERIAL_G1K", "QCSERIAL_SWI", "QCSERIAL_HWI", "QUECTEL_EC20_PID"),
    "qmi_wwan": ("QMI_WWAN_QUIRK_DTR", "FLAG_WWAN"),
    "cdc_ether": ("FLAG_WWAN",),
    "cdc_acm": ("NO_UNION_NORMAL", "IGNORE_DEVICE", "NO_UNION_12", "VENDOR_CLASS_DATA_IFACE",
                "NO_CAP_LINE", "SEND_ZERO_PACKET"),
}

# Files read for their logic, not tables; recorded in the provenance so a reviewer can
# check the emulation against the same text.
LOGIC_FILES = (
    "drivers/usb/core/generic.c",
    "drivers/usb/core/driver.c",
    "drivers/usb/serial/usb-serial.c",
    "drivers/usb/serial/usb-wwan.h",
    "drivers/usb/storage/usual-tables.c",
    "drivers/usb/storage/initializers.c",
    "drivers/usb/storage/option_ms.c",
    "drivers/usb/storage/sierra_ms.c",
    "drivers/net/usb/usbnet.c",
    "drivers/usb/storage/unusual_devs.h",
    "drivers/usb/storage/unusual_uas.h",
    "Makefile",
)

# usb-storage entries kept: those of cellular-modem vendors (their CD-ROM personalities
# and switch quirks), those with a modem switch initialiser, and every IGNORE_DEVICE entry.
MODEM_STORAGE_VENDORS = {
    0x0408, 0x0471, 0x05C6, 0x0AF0, 0x0B3C, 0x0FCE, 0x1004, 0x106C, 0x1199, 0x12D1,
    0x1410, 0x1435, 0x19D2, 0x1BBB, 0x1C9E, 0x1D09, 0x1E0E, 0x1E2D, 0x1FAC, 0x2001,
    0x201E, 0x2020, 0x21F5, 0x2357, 0x2C7C, 0x2CB7, 0x413C, 0x1782, 0x1546, 0x1BC7,
}
MODEM_STORAGE_INITS = {
    "option_ms_init", "sierra_ms_init", "usb_stor_huawei_e220_init", "usb_stor_huawei_init",
}

FILES = tuple(sorted({d[1] for d in DRIVERS} | set(HEADERS) | set(LOGIC_FILES)
                    | {h for hs in DRIVER_HEADERS.values() for h in hs}))

# Macros from headers we do not read (vdso/bits.h builds BIT() out of token pasting).
BUILTIN_DEFINES = {
    "BIT": (["nr"], "(1 << (nr))"),
    "ARRAY_SIZE": (["a"], "(__array_size__(a))"),
    "__KERNEL__": (None, "1"),
}


# ---------------------------------------------------------------- reading the package


def find_deb(explicit: Optional[str]) -> Optional[str]:
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for directory in CACHE_DIRS:
        found = sorted(glob.glob(os.path.join(directory, PACKAGE + "_*_all.deb")))
        if found:
            return found[-1]
    return None


def download_deb() -> str:
    target = CACHE_DIRS[0]
    os.makedirs(target, exist_ok=True)
    subprocess.run(["apt-get", "download", PACKAGE], cwd=target, check=True)
    found = find_deb(None)
    if not found:
        raise SystemExit("apt-get download did not leave a %s .deb in %s" % (PACKAGE, target))
    return found


def _ar_members(path: str) -> Iterator[Tuple[str, int, int]]:
    """(name, offset, size) of each member of a Debian ``ar`` archive."""
    with open(path, "rb") as handle:
        if handle.read(8) != b"!<arch>\n":
            raise SystemExit("%s is not a .deb (ar) archive" % path)
        while True:
            header = handle.read(60)
            if len(header) < 60:
                return
            name = header[:16].decode().strip().rstrip("/")
            size = int(header[48:58].decode().strip())
            offset = handle.tell()
            yield name, offset, size
            handle.seek(offset + size + (size & 1))


def read_sources(deb: str) -> Tuple[str, Dict[str, bytes]]:
    """Package version and the wanted files of the kernel tree inside the .deb."""
    version = ""
    match = re.match(r".*_(.+?)_all\.deb$", os.path.basename(deb))
    if match:
        version = match.group(1).replace("%3a", ":")
    data_member = None
    for name, offset, size in _ar_members(deb):
        if name.startswith("data.tar"):
            data_member = (name, offset, size)
    if data_member is None:
        raise SystemExit("%s has no data.tar member" % deb)
    name, offset, size = data_member
    with open(deb, "rb") as handle:
        handle.seek(offset)
        blob = handle.read(size)
    outer = tarfile.open(fileobj=io.BytesIO(blob), mode="r:*")
    inner_info = None
    for info in outer.getmembers():
        if info.name.lstrip("./") == INNER_TARBALL:
            inner_info = info
    if inner_info is None:
        raise SystemExit("%s does not contain %s" % (deb, INNER_TARBALL))
    inner = outer.extractfile(inner_info)
    assert inner is not None
    wanted = {TREE_PREFIX + path: path for path in FILES}
    found: Dict[str, bytes] = {}
    with lzma.open(inner) as xz, tarfile.open(fileobj=xz, mode="r|") as tree:
        for info in tree:
            path = wanted.get(info.name)
            if path is None:
                continue
            extracted = tree.extractfile(info)
            if extracted is not None:
                found[path] = extracted.read()
            if len(found) == len(wanted):
                break
    missing = sorted(set(FILES) - set(found))
    if missing:
        raise SystemExit("kernel tree lacks: " + ", ".join(missing))
    return version, found


def cached_sources(deb: str) -> Tuple[str, Dict[str, bytes]]:
    """``read_sources`` with the extracted files kept beside the .deb (unpacking takes ~10 s)."""
    digest = hashlib.sha256((_sha256_file(deb) + "\n".join(FILES)).encode()).hexdigest()[:16]
    cache = os.path.join(os.path.dirname(deb), "kernel-tables-src-" + digest)
    stamp = os.path.join(cache, ".complete")
    if os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as handle:
            version = handle.read().strip()
        files = {}
        for path in FILES:
            with open(os.path.join(cache, path), "rb") as handle:
                files[path] = handle.read()
        return version, files
    version, files = read_sources(deb)
    for path, data in files.items():
        target = os.path.join(cache, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
    return version, files


def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- a small C reader


def blank_comments(text: str) -> str:
    """Comments replaced by spaces, newlines kept, so offsets map to the same lines."""
    out: List[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


TOKEN_RE = re.compile(
    r"""(?P<ws>[ \t\r\f\v]+)|(?P<nl>\n)|(?P<str>"(?:\\.|[^"\\])*")|(?P<chr>'(?:\\.|[^'\\])*')"""
    r"""|(?P<num>0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)|(?P<id>[A-Za-z_]\w*)"""
    r"""|(?P<op><<|>>|&&|\|\||==|!=|<=|>=|->|\#\#|[^\s])"""
)


class Tok:
    __slots__ = ("text", "line")

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "%s@%d" % (self.text, self.line)


def tokenize(text: str, first_line: int = 1) -> List[Tok]:
    tokens: List[Tok] = []
    line = first_line
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "nl":
            line += 1
        elif kind != "ws":
            tokens.append(Tok(match.group(), line))
    return tokens


class Macro:
    def __init__(self, name: str, params: Optional[List[str]], body: List[Tok], source: str) -> None:
        self.name = name
        self.params = params
        self.body = body
        self.source = source


class Preprocessor:
    """Just enough of cpp for device tables: defines, conditionals, token expansion."""

    def __init__(self) -> None:
        self.macros: Dict[str, Macro] = {}
        for name, (params, body) in BUILTIN_DEFINES.items():
            self.macros[name] = Macro(name, params, tokenize(body), "builtin")

    # ---- directives

    def run(self, text: str, source: str) -> Tuple[str, Dict[int, Tuple[str, ...]]]:
        """Record the defines of ``text``; return its code with directive and inactive lines
        blanked, and for each line the conditions (as written) it sits under."""
        lines = blank_comments(text).split("\n")
        out: List[str] = []
        conditions: Dict[int, Tuple[str, ...]] = {}
        stack: List[Tuple[bool, bool, str]] = []  # (active, taken, text)
        i = 0
        while i < len(lines):
            line = lines[i]
            start = i
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + " " + lines[i]
            active = all(frame[0] for frame in stack)
            stripped = line.strip()
            if stripped.startswith("#"):
                self._directive(stripped[1:].strip(), stack, active, source, start + 1)
                out.extend([""] * (i - start + 1))
            else:
                for k in range(start, i + 1):
                    out.append(lines[k] if active else "")
                    if stack:
                        conditions[k + 1] = tuple(frame[2] for frame in stack)
            i += 1
        return "\n".join(out), conditions

    def _directive(self, body: str, stack: List[Tuple[bool, bool, str]], active: bool,
                   source: str, line: int) -> None:
        match = re.match(r"(\w+)\s*(.*)$", body, re.S)
        if not match:
            return
        word, rest = match.group(1), match.group(2).strip()
        if word in ("ifdef", "ifndef", "if"):
            if word == "ifdef":
                value = self._defined(rest)
            elif word == "ifndef":
                value = not self._defined(rest)
            else:
                value = self.evaluate_condition(rest)
            text = "%s %s" % (word, rest)
            stack.append((value, value, text))
        elif word == "elif":
            was_active, taken, text = stack.pop()
            value = (not taken) and self.evaluate_condition(rest)
            stack.append((value, taken or value, "elif %s (after %s)" % (rest, text)))
        elif word == "else":
            was_active, taken, text = stack.pop()
            stack.append((not taken, True, "else of %s" % text))
        elif word == "endif":
            if stack:
                stack.pop()
        elif word == "define" and active:
            self.define(rest, source, line)
        elif word == "undef" and active:
            self.macros.pop(rest.strip(), None)

    def define(self, rest: str, source: str, line: int) -> None:
        match = re.match(r"([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$", rest, re.S)
        if not match:
            return
        name = match.group(1)
        params = None
        if match.group(2) is not None:
            params = [p.strip() for p in match.group(3).split(",") if p.strip()]
        self.macros[name] = Macro(name, params, tokenize(match.group(4)), "%s:%d" % (source, line))

    @staticmethod
    def _is_config(name: str) -> bool:
        return name.startswith("CONFIG_")

    def _defined(self, name: str) -> bool:
        name = name.strip()
        return self._is_config(name) or name in self.macros

    def evaluate_condition(self, text: str) -> bool:
        """``#if`` expression with every CONFIG_ option enabled."""
        expr = re.sub(r"IS_ENABLED\s*\(\s*(\w+)\s*\)|IS_REACHABLE\s*\(\s*(\w+)\s*\)",
                      lambda m: "1" if self._defined(m.group(1) or m.group(2)) else "0", text)
        expr = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)",
                      lambda m: "1" if self._defined(m.group(1) or m.group(2)) else "0", expr)
        tokens = self.expand(tokenize(expr))
        words = []
        for tok in tokens:
            t = tok.text
            if t == "&&":
                words.append(" and ")
            elif t == "||":
                words.append(" or ")
            elif t == "!":
                words.append(" not ")
            elif re.match(r"[A-Za-z_]", t):
                words.append("1" if self._is_config(t) else "0")
            else:
                words.append(_c_number(t) if re.match(r"\d", t) else t)
        try:
            return bool(eval("".join(words), {"__builtins__": {}}, {}))  # noqa: S307 - digits and operators only
        except Exception:
            return True

    # ---- expansion

    def expand(self, tokens: Sequence[Tok], disabled: frozenset = frozenset()) -> List[Tok]:
        out: List[Tok] = []
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            macro = self.macros.get(tok.text)
            if macro is None or tok.text in disabled:
                out.append(tok)
                i += 1
                continue
            if macro.params is None:
                body = [Tok(t.text, tok.line) for t in macro.body]
                out.extend(self.expand(body, disabled | {macro.name}))
                i += 1
                continue
            if i + 1 >= n or tokens[i + 1].text != "(":
                out.append(tok)
                i += 1
                continue
            args, i = _collect_args(tokens, i + 1)
            expanded_args = [self.expand(arg, disabled) for arg in args]
            if macro.params == [] and args == [[]]:
                expanded_args = []
            mapping = dict(zip(macro.params, expanded_args))
            body: List[Tok] = []
            for t in macro.body:
                if t.text in mapping:
                    body.extend(Tok(a.text, tok.line) for a in mapping[t.text])
                else:
                    body.append(Tok(t.text, tok.line))
            out.extend(self.expand(body, disabled | {macro.name}))
        return out


def _collect_args(tokens: Sequence[Tok], open_index: int) -> Tuple[List[List[Tok]], int]:
    """Arguments of a macro call whose '(' is at ``open_index``; returns index after ')'."""
    depth = 0
    args: List[List[Tok]] = [[]]
    i = open_index
    while i < len(tokens):
        t = tokens[i].text
        if t in "([{":
            depth += 1
            if depth > 1:
                args[-1].append(tokens[i])
        elif t in ")]}":
            depth -= 1
            if depth == 0:
                return args, i + 1
            args[-1].append(tokens[i])
        elif t == "," and depth == 1:
            args.append([])
        else:
            args[-1].append(tokens[i])
        i += 1
    return args, i


def _c_number(text: str) -> str:
    return str(int(text.rstrip("uUlL"), 0)) if text.lower().startswith("0x") else text.rstrip("uUlL").lstrip("0") or "0"


# ---------------------------------------------------------------- expressions


class Unevaluable(Exception):
    pass


CAST_TYPES = {"unsigned", "long", "int", "kernel_ulong_t", "u8", "u16", "u32", "__u8", "__u16", "__u32",
              "const", "struct", "void", "char", "short", "*"}


def evaluate(tokens: Sequence[Tok]) -> Any:
    """An initialiser value: int, string, ``{"symbol": name}``, list (brace list) or text."""
    toks = [t.text for t in tokens]
    if not toks:
        raise Unevaluable("empty")
    if all(t.startswith('"') for t in toks):
        return "".join(json.loads(t) if "\\" not in t else t[1:-1] for t in toks)
    parser = _ExprParser(toks)
    try:
        value = parser.parse()
    except Unevaluable:
        return " ".join(toks)
    return value


class _ExprParser:
    """Recursive descent over C integer expressions; '&name' becomes a symbol reference."""

    def __init__(self, toks: List[str]) -> None:
        self.toks = toks
        self.pos = 0

    def peek(self) -> Optional[str]:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> str:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Any:
        value = self.binary(0)
        if self.pos != len(self.toks):
            raise Unevaluable("trailing " + " ".join(self.toks[self.pos:]))
        return value

    LEVELS = (("|",), ("^",), ("&",), ("<<", ">>"), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> Any:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self.LEVELS[level]:
            op = self.take()
            right = self.binary(level + 1)
            if not isinstance(left, int) or not isinstance(right, int):
                raise Unevaluable("non-numeric operand")
            left = {
                "|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "&": lambda a, b: a & b,
                "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b, "+": lambda a, b: a + b,
                "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                "/": lambda a, b: a // b, "%": lambda a, b: a % b,
            }[op](left, right)
        return left

    def unary(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise Unevaluable("end")
        if tok == "(":
            # a cast '(unsigned long)' or a parenthesised expression
            end = self.pos + 1
            while end < len(self.toks) and self.toks[end] in CAST_TYPES:
                end += 1
            if end < len(self.toks) and self.toks[end] == ")" and end > self.pos + 1:
                self.pos = end + 1
                return self.unary()
            self.take()
            value = self.binary(0)
            if self.peek() != ")":
                raise Unevaluable("unbalanced")
            self.take()
            return value
        if tok == "&":
            self.take()
            name = self.take()
            if not re.match(r"[A-Za-z_]\w*$", name):
                raise Unevaluable("address of expression")
            return {"symbol": name}
        if tok == "~":
            self.take()
            value = self.unary()
            if not isinstance(value, int):
                raise Unevaluable("~ on non-number")
            return ~value & 0xFFFFFFFFFFFFFFFF
        if tok == "-":
            self.take()
            value = self.unary()
            if not isinstance(value, int):
                raise Unevaluable("- on non-number")
            return -value
        if tok == "!":
            self.take()
            value = self.unary()
            return int(not value)
        self.take()
        if re.match(r"\d", tok):
            return int(tok.rstrip("uUlL"), 0) if not re.match(r"0\d", tok) else int(tok.rstrip("uUlL"), 8)
        if tok.startswith("'") and len(tok) == 3:
            return ord(tok[1])
        if re.match(r"[A-Za-z_]\w*$", tok):
            if tok == "__array_size__":
                raise Unevaluable("array size")
            return {"name": tok}
        raise Unevaluable("token " + tok)


# ---------------------------------------------------------------- initialisers


def split_top(tokens: Sequence[Tok], separator: str = ",") -> List[List[Tok]]:
    parts: List[List[Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text in "([{":
            depth += 1
        elif tok.text in ")]}":
            depth -= 1
        if tok.text == separator and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [p for p in parts if p]


def designated(tokens: Sequence[Tok]) -> Dict[str, Any]:
    """``.field = value, ...`` to a dict; positional values get '#0', '#1' keys."""
    fields: Dict[str, Any] = {}
    for index, part in enumerate(split_top(tokens)):
        if len(part) >= 3 and part[0].text == "." and part[2].text == "=":
            name = part[1].text
            value_tokens = part[3:]
        else:
            name = "#%d" % index
            value_tokens = part
        if value_tokens and value_tokens[0].text == "{":
            inner = value_tokens[1:-1]
            if any(t.text == "." for t in inner[:1]):
                fields[name] = designated(inner)
            else:
                fields[name] = [evaluate(p) for p in split_top(inner)]
        else:
            fields[name] = evaluate(value_tokens)
    return fields


def find_brace_block(tokens: Sequence[Tok], start: int) -> int:
    """Index after the '}' matching the '{' at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].text == "{":
            depth += 1
        elif tokens[i].text == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError("unbalanced braces")


ID_FIELDS = ("match_flags", "idVendor", "idProduct", "bcdDevice_lo", "bcdDevice_hi",
             "bDeviceClass", "bDeviceSubClass", "bDeviceProtocol", "bInterfaceClass",
             "bInterfaceSubClass", "bInterfaceProtocol", "bInterfaceNumber", "driver_info")


class SourceFile:
    def __init__(self, path: str, text: str, pp: Preprocessor) -> None:
        self.path = path
        self.code, self.conditions = pp.run(text, path)
        self.pp = pp
        self.tokens = tokenize(self.code)
        self._enums()

    def _enums(self) -> None:
        """Enum members become macros, so tables that use them evaluate to numbers."""
        for i, tok in enumerate(self.tokens):
            if tok.text != "enum" or i + 2 >= len(self.tokens):
                continue
            j = i + 1
            if self.tokens[j].text != "{":
                j += 1
            if j >= len(self.tokens) or self.tokens[j].text != "{":
                continue
            end = find_brace_block(self.tokens, j)
            value = -1
            for part in split_top(self.tokens[j + 1:end - 1]):
                name = part[0].text
                if len(part) > 2 and part[1].text == "=":
                    number = evaluate(self.pp.expand(part[2:]))
                    if not isinstance(number, int):
                        break
                    value = number
                else:
                    value += 1
                self.pp.macros.setdefault(name, Macro(name, None, [Tok(str(value), part[0].line)], self.path))

    def constant(self, name: str) -> Any:
        return evaluate(self.pp.expand([Tok(name, 0)]))

    def table(self, name: str) -> Tuple[int, List[Dict[str, Any]]]:
        """Line of the ``usb_device_id`` array ``name`` and its entries."""
        for i, tok in enumerate(self.tokens):
            if tok.text == name and i + 3 < len(self.tokens) and self.tokens[i + 1].text == "[" \
                    and any(t.text == "usb_device_id" for t in self.tokens[max(0, i - 4):i]):
                j = i
                while self.tokens[j].text != "{":
                    j += 1
                end = find_brace_block(self.tokens, j)
                body = self.pp.expand(self.tokens[j + 1:end - 1])
                return tok.line, self._entries(body)
        raise SystemExit("%s: no usb_device_id table %s" % (self.path, name))

    def _entries(self, body: List[Tok]) -> List[Dict[str, Any]]:
        entries: List[Dict[str, Any]] = []
        i = 0
        while i < len(body):
            if body[i].text != "{":
                i += 1
                continue
            end = find_brace_block(body, i)
            inner = body[i + 1:end - 1]
            line = body[i + 1].line if inner else body[i].line
            i = end
            fields = designated(inner)
            if not fields:
                continue  # the terminating { }
            entry: Dict[str, Any] = {"line": line}
            for key in ID_FIELDS:
                if key in fields:
                    entry[key] = fields[key]
            unknown = sorted(set(fields) - set(ID_FIELDS))
            if unknown:
                raise SystemExit("%s:%d: unexpected fields %s" % (self.path, line, unknown))
            if not isinstance(entry.get("match_flags", 0), int):
                raise SystemExit("%s:%d: match_flags not numeric: %r" % (self.path, line, entry["match_flags"]))
            conditions = self.conditions.get(line)
            if conditions:
                entry["under"] = list(conditions)
            entries.append(entry)
        return entries

    def struct(self, name: str) -> Optional[Dict[str, Any]]:
        """``static const struct X name = { ... };`` or ``static const u8 name[] = {...};``."""
        for i, tok in enumerate(self.tokens):
            if tok.text != name or i + 1 >= len(self.tokens):
                continue
            nxt = self.tokens[i + 1].text
            j = i + 1
            if nxt == "[":
                while self.tokens[j].text != "]":
                    j += 1
                j += 1
            if j < len(self.tokens) and self.tokens[j].text == "=" and self.tokens[j + 1].text == "{":
                end = find_brace_block(self.tokens, j + 1)
                inner = self.pp.expand(self.tokens[j + 2:end - 1])
                if nxt == "[":
                    return {"line": tok.line, "values": [evaluate(p) for p in split_top(inner)]}
                return {"line": tok.line, "fields": designated(inner)}
        return None

    def usb_driver_name(self) -> Optional[str]:
        for i, tok in enumerate(self.tokens):
            if tok.text == "usb_driver" and i + 3 < len(self.tokens) and self.tokens[i + 2].text == "=":
                end = find_brace_block(self.tokens, i + 3)
                fields = designated(self.pp.expand(self.tokens[i + 4:end - 1]))
                name = fields.get("name")
                if isinstance(name, str):
                    return name
        return None


def resolve_symbols(source: SourceFile, entries: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Structures the entries' driver_info point to, with arrays they reference."""
    symbols: Dict[str, Any] = {}
    pending = sorted({e["driver_info"]["symbol"] for e in entries
                      if isinstance(e.get("driver_info"), dict) and "symbol" in e["driver_info"]})
    while pending:
        name = pending.pop(0)
        if name in symbols:
            continue
        found = source.struct(name)
        if found is None:
            symbols[name] = {"unresolved": True}
            continue
        symbols[name] = found
        for value in found.get("fields", {}).values():
            if isinstance(value, dict) and "name" in value and source.struct(value["name"]) is not None:
                pending.append(value["name"])
    return symbols


# ---------------------------------------------------------------- usb-storage


STORAGE_MACROS = ("UNUSUAL_DEV", "USUAL_DEV", "UNUSUAL_VENDOR_INTF", "COMPLIANT_DEV")


def storage_entries(path: str, text: str, pp: Preprocessor) -> List[Dict[str, Any]]:
    """The modem-related entries of unusual_devs.h / unusual_uas.h."""
    code, _ = Preprocessor().run(text, path)  # fresh: these files are X-macro lists
    tokens = tokenize(code)
    out: List[Dict[str, Any]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.text in STORAGE_MACROS and i + 1 < len(tokens) and tokens[i + 1].text == "(":
            args, i = _collect_args(tokens, i + 1)
            values = [evaluate(pp.expand(a)) for a in args]
            entry = _storage_entry(tok.text, tok.line, values, args)
            if entry is not None and _modem_related(entry):
                out.append(entry)
            continue
        i += 1
    return out


def _names(tokens: Sequence[Tok]) -> List[str]:
    return [t.text for t in tokens if re.match(r"[A-Za-z_]\w*$", t.text)]


def _storage_entry(kind: str, line: int, values: List[Any], args: List[List[Tok]]) -> Optional[Dict[str, Any]]:
    if kind in ("UNUSUAL_DEV", "COMPLIANT_DEV") and len(values) == 10:
        vid, pid, lo, hi, vendor, product, sc, pr, init, _flags = values
        entry = {"line": line, "macro": kind, "idVendor": vid, "idProduct": pid,
                 "bcdDevice_lo": lo, "bcdDevice_hi": hi, "vendor_name": vendor,
                 "product_name": product}
        flag_args = args[9]
    elif kind == "UNUSUAL_VENDOR_INTF" and len(values) == 10:
        vid, cl, sc_i, pr_i, vendor, product, sc, pr, init, _flags = values
        entry = {"line": line, "macro": kind, "idVendor": vid, "bInterfaceClass": cl,
                 "bInterfaceSubClass": sc_i, "bInterfaceProtocol": pr_i,
                 "vendor_name": vendor, "product_name": product}
        flag_args = args[9]
    else:
        return None
    entry["subclass"] = " ".join(_names(args[6])) or str(sc)
    entry["transport"] = " ".join(_names(args[7])) or str(pr)
    init_names = _names(args[8])
    entry["init"] = init_names[0] if init_names and init_names[0] != "NULL" else None
    entry["flags"] = sorted(n for n in _names(flag_args) if n.startswith("US_FL_"))
    return entry


def _modem_related(entry: Dict[str, Any]) -> bool:
    vendor = entry.get("idVendor")
    return (isinstance(vendor, int) and vendor in MODEM_STORAGE_VENDORS) \
        or entry.get("init") in MODEM_STORAGE_INITS or "US_FL_IGNORE_DEVICE" in entry.get("flags", ())


# ---------------------------------------------------------------- the data file


def build(version: str, files: Dict[str, bytes]) -> Dict[str, Any]:
    def text(path: str) -> str:
        return files[path].decode("utf-8", errors="replace")

    makefile = text("Makefile")
    kv = {k: re.search(r"^%s\s*=\s*(\S*)" % k, makefile, re.M) for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")}
    kernel_version = ".".join(m.group(1) for m in kv.values() if m)

    base = Preprocessor()
    for header in HEADERS:
        base.run(text(header), header)

    drivers: Dict[str, Any] = {}
    for name, path, table, kind in DRIVERS:
        pp = Preprocessor()
        pp.macros.update(base.macros)
        for header in DRIVER_HEADERS.get(name, ()):
            pp.run(text(header), header)
        source = SourceFile(path, text(path), pp)
        table_line, entries = source.table(table)
        usb_name = source.usb_driver_name() if kind != "usb-serial" else None
        if usb_name is not None and usb_name != name:
            raise SystemExit("%s: usb_driver name %r, expected %r" % (path, usb_name, name))
        drivers[name] = {
            "source": path,
            "table": table,
            "table_line": table_line,
            "kind": kind,
            "entries": entries,
            "symbols": resolve_symbols(source, entries),
            "constants": {c: source.constant(c) for c in DRIVER_CONSTANTS.get(name, ())},
        }

    # usbnet's driver_info flags, by name, so the netdev naming can be read from an entry
    usbnet_flags = {}
    for macro_name in sorted(base.macros):
        macro = base.macros[macro_name]
        if macro_name.startswith("FLAG_") and macro.source.startswith("include/linux/usb/usbnet.h") \
                and macro.params is None:
            value = evaluate(base.expand(macro.body))
            if isinstance(value, int):
                usbnet_flags[macro_name] = value

    storage_pp = Preprocessor()
    storage_pp.macros.update(base.macros)
    storage = {
        path: storage_entries(path, text(path), storage_pp)
        for path in ("drivers/usb/storage/unusual_devs.h", "drivers/usb/storage/unusual_uas.h")
    }
    return {
        "format": 1,
        "kernel": {
            "version": kernel_version,
            "package": PACKAGE,
            "package_version": version,
            "distribution": "Debian bookworm (bookworm-security)",
            "tree": INNER_TARBALL,
        },
        "sources": {path: hashlib.sha256(files[path]).hexdigest() for path in FILES},
        "assumptions": [
            "every CONFIG_ option in #if/#ifdef around table entries is taken as enabled",
            "BIT(n) is 1 << n (vdso/bits.h builds it by token pasting, not read here)",
            "usb-serial drivers appear as their module name (option, qcserial, sierra)",
        ],
        "drivers": drivers,
        "storage": storage,
        "usbnet_flags": usbnet_flags,
    }


def render(data: Dict[str, Any]) -> str:
    """JSON with one table entry per line, so a diff shows which entries changed."""
    def dump(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    lines = ["{"]
    top = sorted(data)
    for ti, key in enumerate(top):
        comma = "," if ti + 1 < len(top) else ""
        value = data[key]
        if key == "drivers":
            lines.append('  "drivers": {')
            names = sorted(value)
            for di, dname in enumerate(names):
                driver = value[dname]
                lines.append("    %s: {" % dump(dname))
                dkeys = sorted(driver)
                for ki, dkey in enumerate(dkeys):
                    kcomma = "," if ki + 1 < len(dkeys) else ""
                    if dkey in ("entries",):
                        lines.append('      "entries": [')
                        items = driver[dkey]
                        for ei, item in enumerate(items):
                            lines.append("        " + dump(item) + ("," if ei + 1 < len(items) else ""))
                        lines.append("      ]" + kcomma)
                    elif dkey == "symbols":
                        lines.append('      "symbols": {')
                        snames = sorted(driver[dkey])
                        for si, sname in enumerate(snames):
                            lines.append("        %s: %s%s" % (dump(sname), dump(driver[dkey][sname]),
                                                              "," if si + 1 < len(snames) else ""))
                        lines.append("      }" + kcomma)
                    else:
                        lines.append("      %s: %s%s" % (dump(dkey), dump(driver[dkey]), kcomma))
                lines.append("    }" + ("," if di + 1 < len(names) else ""))
            lines.append("  }" + comma)
        elif key == "storage":
            lines.append('  "storage": {')
            paths = sorted(value)
            for pi, path in enumerate(paths):
                lines.append("    %s: [" % dump(path))
                items = value[path]
                for ei, item in enumerate(items):
                    lines.append("      " + dump(item) + ("," if ei + 1 < len(items) else ""))
                lines.append("    ]" + ("," if pi + 1 < len(paths) else ""))
            lines.append("  }" + comma)
        else:
            text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
            lines.append("  %s: %s%s" % (dump(key), text.replace("\n", "\n  "), comma))
    lines.append("}")
    return "\n".join(lines) + "\n"


def provenance(data: Dict[str, Any], deb_name: str) -> str:
    kernel = data["kernel"]
    rows = []
    for name in sorted(data["drivers"]):
        driver = data["drivers"][name]
        rows.append("| `%s` | `%s` | `%s` (line %d) | %d |" % (
            name, driver["source"], driver["table"], driver["table_line"], len(driver["entries"])))
    storage_rows = ["| `%s` | %d |" % (path, len(items)) for path, items in sorted(data["storage"].items())]
    return "\n".join([
        "# Provenance of `usb-tables.json`",
        "",
        "Generated by `scripts/gen_kernel_tables.py` from Debian's `%s` package, version"
        " `%s` (`%s`), which carries the Linux %s tree (`%s`)." % (
            kernel["package"], kernel["package_version"], deb_name, kernel["version"], kernel["tree"]),
        "Regenerate with `python scripts/gen_kernel_tables.py`; check with `--check`.",
        "The tables are facts from the kernel (GPL-2.0); no kernel code is copied, only the",
        "device IDs, match flags and per-entry flags, each with its file and line.",
        "",
        "| driver | source | table | entries |",
        "|---|---|---|---|",
        *rows,
        "",
        "usb-storage entries kept (modem vendors, modem switch initialisers, IGNORE_DEVICE):",
        "",
        "| file | entries |",
        "|---|---|",
        *storage_rows,
        "",
        "Assumptions made while reading the C source:",
        "",
        *["- " + a for a in data["assumptions"]],
        "",
        "SHA-256 of every file read is in the JSON's `sources` key.",
        "",
        "Cross-check: `tests/knowledge/test_kernel_tables.py` compares every entry with the `usb:`",
        "aliases `modinfo` prints for the modules of Debian's `linux-image-6.1.0-*-amd64` of the",
        "same version (the compiler's reading of the same tables). They agree entry for entry;",
        "the only extra entries are cdc-acm ones under CONFIG_ options Debian's build leaves off.",
        "",
    ])


def generate(deb: str, out_dir: str) -> None:
    version, files = cached_sources(deb)
    data = build(version, files)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, OUTPUT_NAME), "w", encoding="utf-8") as handle:
        handle.write(render(data))
    with open(os.path.join(out_dir, "PROVENANCE.md"), "w", encoding="utf-8") as handle:
        handle.write(provenance(data, os.path.basename(deb)))


def check(deb: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        generate(deb, tmp)
        status = 0
        for name in (OUTPUT_NAME, "PROVENANCE.md"):
            with open(os.path.join(tmp, name), encoding="utf-8") as handle:
                fresh = handle.read().splitlines(keepends=True)
            committed_path = os.path.join(OUTPUT_DIR, name)
            committed: List[str] = []
            if os.path.exists(committed_path):
                with open(committed_path, encoding="utf-8") as handle:
                    committed = handle.read().splitlines(keepends=True)
            if fresh != committed:
                status = 1
                sys.stdout.writelines(difflib.unified_diff(committed, fresh, "committed/" + name, "regenerated/" + name, n=1))
        if status == 0:
            print("%s and PROVENANCE.md match a fresh regeneration" % OUTPUT_NAME)
        return status


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deb", help="a linux-source-6.1 .deb already on disk")
    parser.add_argument("--check", action="store_true", help="regenerate into a temp dir and diff")
    parser.add_argument("--no-download", action="store_true", help="never run apt-get download")
    parser.add_argument("--out", default=OUTPUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    deb = find_deb(args.deb)
    if deb is None:
        if args.deb or args.no_download:
            print("no %s .deb available (looked in %s)" % (PACKAGE, ", ".join(CACHE_DIRS)), file=sys.stderr)
            return 2
        try:
            deb = download_deb()
        except (OSError, subprocess.CalledProcessError) as error:
            print("cannot download %s: %s" % (PACKAGE, error), file=sys.stderr)
            return 2
    if args.check:
        return check(deb)
    generate(deb, args.out)
    print("wrote %s from %s" % (os.path.join(args.out, OUTPUT_NAME), os.path.basename(deb)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
