"""The generated kernel device tables: their content (checked against lines read in the
6.1.192 source), the generator's C reading on small snippets, and that regenerating from
Debian's linux-source-6.1 reproduces the committed files (when the .deb is cached)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "modem_doctor" / "data" / "kernel" / "usb-tables.json"
SCRIPT = REPO / "scripts" / "gen_kernel_tables.py"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_kernel_tables", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_kernel_tables"] = module
    spec.loader.exec_module(module)
    return module


gen = _generator()


@pytest.fixture(scope="module")
def data() -> Dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _entries(data: Dict[str, Any], driver: str, **fields: Any) -> List[Dict[str, Any]]:
    return [e for e in data["drivers"][driver]["entries"] if all(e.get(k) == v for k, v in fields.items())]


def test_records_kernel_and_package(data: Dict[str, Any]) -> None:
    assert data["kernel"]["version"] == "6.1.192"
    assert data["kernel"]["package"] == "linux-source-6.1"
    assert data["kernel"]["package_version"] == "6.1.192-2"
    for driver in data["drivers"].values():
        assert driver["source"] in data["sources"]
        assert len(data["sources"][driver["source"]]) == 64  # sha256


def test_every_driver_of_the_issue_is_there(data: Dict[str, Any]) -> None:
    wanted = {"option", "qcserial", "sierra", "qmi_wwan", "cdc_ether", "cdc_ncm", "huawei_cdc_ncm",
              "cdc_mbim", "rndis_host", "sierra_net", "cdc_acm", "cdc_wdm", "hso", "ipheth",
              "cdc_subset", "zaurus"}
    assert wanted <= set(data["drivers"])
    assert len(data["drivers"]["option"]["entries"]) > 1500
    assert len(data["drivers"]["qmi_wwan"]["entries"]) > 400
    assert data["storage"]["drivers/usb/storage/unusual_devs.h"]


def test_option_vendor_class_entry(data: Dict[str, Any]) -> None:
    # option.c:699  { USB_VENDOR_AND_INTERFACE_INFO(HUAWEI_VENDOR_ID, 0xff, 0x01, 0x01) },
    (entry,) = _entries(data, "option", line=699)
    assert entry == {"line": 699, "match_flags": 0x0381, "idVendor": 0x12D1,
                     "bInterfaceClass": 0xFF, "bInterfaceSubClass": 0x01, "bInterfaceProtocol": 0x01}


def test_option_driver_info_flags(data: Dict[str, Any]) -> None:
    # option.c:1192  USB_DEVICE_AND_INTERFACE_INFO(QUECTEL_VENDOR_ID, QUECTEL_PRODUCT_EC25, 0xff, 0xff, 0xff),
    #                .driver_info = NUMEP2
    (entry,) = _entries(data, "option", line=1192)
    assert entry["idProduct"] == 0x0125 and entry["driver_info"] == 1 << 16
    assert data["drivers"]["option"]["constants"] == {"FLAG_IFNUM_MAX": 7, "NUMEP2": 1 << 16, "ZLP": 1 << 17}
    rsvd = [e for e in data["drivers"]["option"]["entries"] if isinstance(e.get("driver_info"), int)
            and e["driver_info"] & 0xFF]
    assert len(rsvd) > 100


def test_qmi_wwan_macros(data: Dict[str, Any]) -> None:
    # qmi_wwan.c:1009  USB_VENDOR_AND_INTERFACE_INFO(HUAWEI_VENDOR_ID, USB_CLASS_VENDOR_SPEC, 1, 7)
    (entry,) = _entries(data, "qmi_wwan", line=1009)
    assert entry["bInterfaceProtocol"] == 7 and entry["driver_info"] == {"symbol": "qmi_wwan_info"}
    # QMI_FIXED_INTF(0x12d1, 0x14ac, 1) -> USB_DEVICE_INTERFACE_NUMBER
    (fixed,) = _entries(data, "qmi_wwan", idVendor=0x12D1, idProduct=0x14AC)
    assert fixed["match_flags"] == 0x0403 and fixed["bInterfaceNumber"] == 1 and fixed["line"] == 1240
    # QMI_MATCH_FF_FF_FF -> class match with the DTR quirk info
    quectel = _entries(data, "qmi_wwan", idVendor=0x2C7C, idProduct=0x0800)
    assert quectel and quectel[0]["driver_info"] == {"symbol": "qmi_wwan_info_quirk_dtr"}
    symbols = data["drivers"]["qmi_wwan"]["symbols"]
    assert symbols["qmi_wwan_info_quirk_dtr"]["fields"]["data"] == 1
    assert symbols["qmi_wwan_info"]["fields"]["bind"] == {"name": "qmi_wwan_bind"}


def test_cdc_ether_blacklist_entry(data: Dict[str, Any]) -> None:
    # cdc_ether.c:767  USB_DEVICE_INTERFACE_NUMBER(HUAWEI_VENDOR_ID, 0x14ac, 1), .driver_info = 0
    (entry,) = _entries(data, "cdc_ether", idVendor=0x12D1, idProduct=0x14AC)
    assert entry["driver_info"] == 0 and entry["line"] == 767


def test_qcserial_layouts_and_sierra_lists(data: Dict[str, Any]) -> None:
    consts = data["drivers"]["qcserial"]["constants"]
    assert consts["QCSERIAL_SWI"] == 2 and consts["QCSERIAL_HWI"] == 3
    (swi,) = _entries(data, "qcserial", idVendor=0x1199, idProduct=0x90E5)
    assert swi["driver_info"] == consts["QCSERIAL_SWI"]
    symbols = data["drivers"]["sierra"]["symbols"]
    assert symbols["direct_ip_non_serial_ifaces"]["values"] == [7, 8, 9, 10, 11, 19, 20]
    # sierra_net's DIRECT_IP_DEVICE() expands to three numbered entries per device
    numbers = sorted(e["bInterfaceNumber"] for e in _entries(data, "sierra_net", idVendor=0x1199, idProduct=0x68A3))
    assert numbers == [7, 10, 11]


def test_conditional_entries_are_marked(data: Dict[str, Any]) -> None:
    conditional = [e for e in data["drivers"]["cdc_acm"]["entries"] if "under" in e]
    assert conditional and all("CONFIG_" in c for e in conditional for c in e["under"])


# ------------------------------------------------------------------ the C reader


SNIPPET = """
#define VENDOR 0x1234
#define RSVD(n) ((BIT(n) & 0xff) << 0)
#define PAIR(v, p) \\
    {USB_DEVICE_INTERFACE_NUMBER(v, p, 1), .driver_info = (unsigned long)&info_a}, \\
    {USB_DEVICE_INTERFACE_NUMBER(v, p, 2), .driver_info = (unsigned long)&info_a}
static const struct driver_info info_a = { .description = "A", .flags = 4 | 1, .bind = a_bind, };
static const struct usb_device_id ids[] = {
    /* a comment { with a brace } */
    { USB_DEVICE(VENDOR, 0x0001), .driver_info = RSVD(1) | RSVD(4) },
#ifdef CONFIG_SOMETHING
    { USB_VENDOR_AND_INTERFACE_INFO(VENDOR, 0xff, 0x01, 0x07) },
#endif
#if 0
    { USB_DEVICE(VENDOR, 0xdead) },
#endif
    PAIR(VENDOR, 0x0002),
    { }
};
"""

HEADER = """
#define USB_DEVICE_ID_MATCH_VENDOR 0x0001
#define USB_DEVICE_ID_MATCH_PRODUCT 0x0002
#define USB_DEVICE_ID_MATCH_INT_CLASS 0x0080
#define USB_DEVICE_ID_MATCH_INT_SUBCLASS 0x0100
#define USB_DEVICE_ID_MATCH_INT_PROTOCOL 0x0200
#define USB_DEVICE_ID_MATCH_INT_NUMBER 0x0400
#define USB_DEVICE_ID_MATCH_DEVICE (USB_DEVICE_ID_MATCH_VENDOR | USB_DEVICE_ID_MATCH_PRODUCT)
#define USB_DEVICE_ID_MATCH_INT_INFO (USB_DEVICE_ID_MATCH_INT_CLASS | USB_DEVICE_ID_MATCH_INT_SUBCLASS | USB_DEVICE_ID_MATCH_INT_PROTOCOL)
#define USB_DEVICE(vend, prod) .match_flags = USB_DEVICE_ID_MATCH_DEVICE, .idVendor = (vend), .idProduct = (prod)
#define USB_DEVICE_INTERFACE_NUMBER(vend, prod, num) \\
    .match_flags = USB_DEVICE_ID_MATCH_DEVICE | USB_DEVICE_ID_MATCH_INT_NUMBER, \\
    .idVendor = (vend), .idProduct = (prod), .bInterfaceNumber = (num)
#define USB_VENDOR_AND_INTERFACE_INFO(vend, cl, sc, pr) \\
    .match_flags = USB_DEVICE_ID_MATCH_INT_INFO | USB_DEVICE_ID_MATCH_VENDOR, \\
    .idVendor = (vend), .bInterfaceClass = (cl), .bInterfaceSubClass = (sc), .bInterfaceProtocol = (pr)
"""


def _read_snippet() -> Any:
    pp = gen.Preprocessor()
    pp.run(HEADER, "header.h")
    return gen.SourceFile("snippet.c", SNIPPET, pp)


def test_reader_expands_macros_and_keeps_lines() -> None:
    source = _read_snippet()
    line, entries = source.table("ids")
    assert line == 8  # SNIPPET starts with a newline
    assert entries[0] == {"line": 10, "match_flags": 3, "idVendor": 0x1234, "idProduct": 1,
                          "driver_info": (1 << 1) | (1 << 4)}
    assert entries[1]["under"] == ["ifdef CONFIG_SOMETHING"]
    assert entries[1]["bInterfaceProtocol"] == 7
    # '#if 0' drops the entry; the PAIR macro gives two entries on its own line
    assert [e["line"] for e in entries] == [10, 12, 17, 17]
    assert [e["bInterfaceNumber"] for e in entries[2:]] == [1, 2]
    assert entries[2]["driver_info"] == {"symbol": "info_a"}


def test_reader_resolves_structures() -> None:
    source = _read_snippet()
    _, entries = source.table("ids")
    symbols = gen.resolve_symbols(source, entries)
    assert symbols["info_a"]["fields"] == {"description": "A", "flags": 5, "bind": {"name": "a_bind"}}


def test_comments_are_blanked_but_lines_kept() -> None:
    text = "a /* x\ny */ b // c\nd \"/* not a comment */\""
    out = gen.blank_comments(text)
    assert out.count("\n") == text.count("\n")
    assert "x" not in out and "c" not in out.split("\n")[1]
    assert '"/* not a comment */"' in out


# ------------------------------------------------------------------ regeneration


def test_regenerating_reproduces_the_committed_files() -> None:
    deb = gen.find_deb(None)
    if deb is None:
        pytest.skip("linux-source-6.1 .deb not cached (run: scripts/gen_kernel_tables.py, or "
                    "apt-get download linux-source-6.1 into .lab-cache/)")
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "--no-download"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


# ------------------------------------------------------------------ cross-check with the built modules


MODULE_FILES = {"cdc_acm": "cdc-acm.ko", "cdc_wdm": "cdc-wdm.ko"}


def _modalias(entry: Dict[str, Any]) -> str:
    """The alias file2alias writes for a usb_device_id without a bcdDevice range."""
    flags = entry.get("match_flags", 0)

    def field(bit: int, key: str, width: int) -> str:
        return "%0*X" % (width, entry.get(key, 0)) if flags & bit else "*"

    alias = "usb:v%sp%sd*dc%sdsc%sdp%sic%sisc%sip%sin%s" % (
        field(0x1, "idVendor", 4), field(0x2, "idProduct", 4), field(0x10, "bDeviceClass", 2),
        field(0x20, "bDeviceSubClass", 2), field(0x40, "bDeviceProtocol", 2), field(0x80, "bInterfaceClass", 2),
        field(0x100, "bInterfaceSubClass", 2), field(0x200, "bInterfaceProtocol", 2),
        field(0x400, "bInterfaceNumber", 2))
    return alias + "*" if flags & 0x400 else alias


def _linux_image_deb(version: str) -> Any:
    for directory in gen.CACHE_DIRS:
        found = sorted(Path(directory).glob("**/linux-image-6.1.*-amd64_%s_amd64.deb" % version))
        if found:
            return found[-1]
    return None


def _module_aliases(deb: Path, drivers: List[str], modinfo: str, scratch: Path) -> Dict[str, List[str]]:
    """usb: aliases of each driver's module in the linux-image .deb (cached beside it: reading
    the 70 MB package takes seconds)."""
    import io
    import lzma
    import tarfile

    cache = Path(gen.CACHE_DIRS[0]) / (deb.name + ".usb-aliases.json")
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if set(drivers) <= set(cached):
            return {name: cached[name] for name in drivers}
    wanted = {MODULE_FILES.get(name, name + ".ko"): name for name in drivers}
    members = {name: (offset, size) for name, offset, size in gen._ar_members(str(deb))}
    offset, size = members[next(name for name in members if name.startswith("data.tar"))]
    with open(deb, "rb") as handle:
        handle.seek(offset)
        blob = handle.read(size)
    found: Dict[str, List[str]] = {}
    with lzma.open(io.BytesIO(blob)) as xz, tarfile.open(fileobj=xz, mode="r|") as tree:
        for info in tree:
            base = info.name.rsplit("/", 1)[-1]
            if base in wanted and "/kernel/drivers/" in info.name:
                extracted = tree.extractfile(info)
                assert extracted is not None
                target = scratch / base
                target.write_bytes(extracted.read())
                aliases = subprocess.run([modinfo, "-F", "alias", str(target)], capture_output=True,
                                         text=True, check=True).stdout.split()
                found[wanted[base]] = sorted(a for a in aliases if a.startswith("usb:"))
    try:
        cache.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")
    except OSError:
        pass
    return found


def test_tables_match_the_aliases_of_debians_built_modules(data: Dict[str, Any], tmp_path: Path) -> None:
    """The compiler's own reading of the same tables: Debian's linux-image of the same
    version carries each module's aliases (file2alias output). Every alias must come from an
    entry; extra entries may only be ones under a CONFIG_ option Debian leaves off."""
    import collections
    import shutil

    modinfo = shutil.which("modinfo") or ("/sbin/modinfo" if Path("/sbin/modinfo").exists() else None)
    deb = _linux_image_deb(data["kernel"]["package_version"])
    if deb is None or modinfo is None:
        pytest.skip("needs the linux-image-6.1 .deb of the same version in .lab-cache/ and modinfo (kmod)")
    found = _module_aliases(deb, sorted(data["drivers"]), modinfo, tmp_path)
    assert set(found) == set(data["drivers"])
    for name, aliases in sorted(found.items()):
        reference = collections.Counter(aliases)
        ours = collections.Counter(_modalias(e) for e in data["drivers"][name]["entries"])
        conditional = collections.Counter(_modalias(e) for e in data["drivers"][name]["entries"] if "under" in e)
        assert not reference - ours, (name, sorted(reference - ours)[:5])
        assert not (ours - reference) - conditional, (name, sorted((ours - reference) - conditional)[:5])
