"""Format detection and path helpers that other modules use (parse/_usb_common.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from modem_doctor.model.common import number_lines
from modem_doctor.parse._usb_common import (
    class_from_name,
    detect_usb_format,
    looks_like_usb_line,
    path_matches,
    unquote,
    usb_line_kind,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "usb"

# fixture -> the kind detect_usb_format must answer for the whole file
WHOLE_FILES = {
    "we826-listing1-L4-78.txt": "usb_debugfs",
    "we826-listing3-L185-259.txt": "usb_debugfs",
    "simcom-8230c-linux-usb-20250808.txt": "usb_debugfs",
    "lsusb-ec25-rpi-github-344.txt": "lsusb",
    "lsusb-ec25-armbian-9456.txt": "lsusb",
    "lsusb-t-rm520n-linux-usb-20250808.txt": "lsusb_tree",
    "lsusb-t-em7455-rpi4-pilot.md": "lsusb_tree",
    "lsusb-tv-gentoo-wiki.txt": "lsusb_tree",
    "lsusb-t-cinterion-quoted-linux-usb-20240620.txt": "lsusb_tree",
    "lsusb-v-cinterion-plsx3-linux-usb-20210118.txt": "lsusb_verbose",
    "lsusb-v-dell-dw5570-forum-20131006.txt": "lsusb_verbose",
    "lsusb-v-cinterion-1e2d0065-mbim-linux-usb-20240620.txt": "lsusb_verbose",
}


@pytest.mark.parametrize("name,kind", sorted(WHOLE_FILES.items()))
def test_detect_whole_fixture(name: str, kind: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert detect_usb_format(text) == kind
    assert detect_usb_format(number_lines(text)) == kind
    assert detect_usb_format(text.splitlines()) == kind


def test_prose_of_the_case_thread_is_not_usb() -> None:
    thread = number_lines((FIXTURES / "we826-mu609-thread.txt").read_text(encoding="utf-8"))
    usb = [line.number for line in thread if looks_like_usb_line(line.text)]
    listing_lines = set(range(4, 79)) | set(range(105, 180)) | set(range(185, 260))
    assert set(usb) == listing_lines
    # lines of the thread that merely mention USB things stay prose
    assert not looks_like_usb_line("echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue")
    assert detect_usb_format([line for line in thread if line.number < 4]) is None


def test_line_kinds() -> None:
    assert usb_line_kind("I:* If#= 0 Alt= 0 #EPs= 1 Cls=02(comm.) Sub=06 Prot=00 Driver=(none)") == "usb_debugfs"
    assert usb_line_kind("> I:  If#=0x4 Alt= 0 #EPs= 3 Cls=ff(vend.) Sub=00 Prot=00 Driver=option") == "usb_devices"
    assert usb_line_kind(">> Bus 008 Device 002: ID 05e3:0612 Genesys Logic, Inc. Hub") == "lsusb"
    assert usb_line_kind("    |__ Port 1: Dev 2, If 0, Class=Hub, Driver=hub/4p, 480M") == "lsusb_tree"
    assert usb_line_kind("/:  Bus 001.Port 001: Dev 001, Class=root_hub, Driver=dwc2/1p, 480M") == "lsusb_tree"
    assert usb_line_kind("        bEndpointAddress     0x81  EP 1 IN") == "lsusb_verbose"
    assert usb_line_kind("E: something went wrong") is None  # a letter and a colon is not enough
    assert usb_line_kind("I: think so") is None
    assert unquote("> > >   T:  Bus=01") == "T:  Bus=01"


def test_path_matches() -> None:
    assert path_matches("1-?.2", "1-1.2")
    assert path_matches("1-1.2", "1-1.2")
    assert not path_matches("1-?.2", "1-1.3")
    assert not path_matches("1-?.2", "2-1.2")
    assert not path_matches("1-?.2", "1-2")
    assert not path_matches("", "1-1")


def test_class_names() -> None:
    assert class_from_name("Vendor Specific Class") == 0xFF
    assert class_from_name("CDC Data") == 0x0A
    assert class_from_name("Communications") == 0x02
    assert class_from_name("") == -1
