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
