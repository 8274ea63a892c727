"""The core must run on a router with OpenWrt's ``python3-light``: every core module is
imported in a fresh interpreter whose import system refuses what python3-light lacks (the
modules OpenWrt ships in separate python3-* packages) and anything outside the standard
library. A refused import that a module guards with ``try/except ImportError`` is fine (the
router behaves the same); one that escapes fails this test, naming the offender.

Modules are found by walking the package, so a new module is covered the day it lands.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "modem_doctor"

# What python3-light lacks: OpenWrt's packages/lang/python/python3/files/python3-package-*.mk
# put these in their own packages (python3-urllib, -email, -xml, -logging, -asyncio,
# -ctypes, -decimal, -sqlite3, -uuid, -unittest, -multiprocessing, -lzma, -dbm, -ncurses,
# -readline, -pydoc, -cgi, -distutils, -lib2to3, -venv, -webbrowser, -openssl, -codecs).
FORBIDDEN = (
    "logging", "asyncio", "urllib", "email", "xml", "ctypes", "_ctypes", "sqlite3", "_sqlite3",
    "uuid", "_uuid", "decimal", "_decimal", "unittest", "multiprocessing", "_multiprocessing",
    "lzma", "_lzma", "dbm", "_dbm", "_gdbm", "curses", "_curses", "readline", "pydoc", "pydoc_data",
    "cgi", "cgitb", "distutils", "lib2to3", "venv", "ensurepip", "webbrowser", "ssl", "_ssl",
    "_hashlib", "unicodedata", "tkinter", "idlelib", "turtle",
)

# PC-side parts, never run on a router: each pulls in what python3-light lacks (or a PC extra)
# on purpose. Everything else under src/modem_doctor is core.
PC_SIDE = {
    "modem_doctor.sim": "QMI/MBIM/AT simulators on ptys for tests and the virtual lab",
    "modem_doctor.lab": "the QEMU virtual lab (subprocesses, gadget file systems)",
    "modem_doctor.collect.ssh": "collection transport over SSH (asyncssh extra)",
    "modem_doctor.collect.transports": "collection transports run from a PC",
    "modem_doctor.probe.serial": "talking to a modem's serial port (pyserial extra)",
    "modem_doctor.extras": "optional PC extras (rich output and the like)",
    "modem_doctor.commands.modem": "the 'modem' command drives a modem from a PC",
}

# Runs in the child with -S -E (no site, no environment): only sys and importlib are loaded
# before the refusing finder is in place.
CHILD = r"""
import sys, importlib
sys.path.insert(0, SRC)
STDLIB = set(sys.stdlib_module_names)

class Refuse:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in FORBIDDEN or (top not in STDLIB and top != "modem_doctor"):
            raise ModuleNotFoundError("%s is not in python3-light" % name, name=name)
        return None

sys.meta_path.insert(0, Refuse())
failures = {}
for module in MODULES:
    try:
        importlib.import_module(module)
    except BaseException as error:  # report everything, including SystemExit
        failures[module] = "%s: %s" % (type(error).__name__, error)
import json
print(json.dumps({"failures": failures, "loaded": sorted(m for m in sys.modules if m.partition(".")[0] in FORBIDDEN)}))
"""


def core_modules() -> List[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue  # importing it would run the program
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if any(name == pc or name.startswith(pc + ".") for pc in PC_SIDE):
            continue
        modules.append(name)
    return modules


def _run_child(modules: List[str]) -> Dict[str, object]:
    code = f"SRC = {str(SRC)!r}\nFORBIDDEN = {set(FORBIDDEN)!r}\nMODULES = {modules!r}\n" + CHILD
    completed = subprocess.run(
        [sys.executable, "-S", "-E", "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_discovery_finds_the_core() -> None:
    modules = core_modules()
    for expected in ("modem_doctor", "modem_doctor.cli", "modem_doctor.errors", "modem_doctor.load",
                     "modem_doctor.model.host", "modem_doctor.parse", "modem_doctor.extract",
                     "modem_doctor.commands.parse", "modem_doctor.parse.usb_debugfs"):
        assert expected in modules
    assert not any(module.startswith(("modem_doctor.sim", "modem_doctor.lab")) for module in modules)


needs_stdlib_list = pytest.mark.skipif(
    sys.version_info < (3, 10), reason="sys.stdlib_module_names (Python 3.10+) is needed to tell the standard library apart"
)


@needs_stdlib_list
def test_core_imports_stay_inside_python3_light() -> None:
    result = _run_child(core_modules())
    failures = result["failures"]
    assert not failures, "core modules import what python3-light lacks:\n" + "\n".join(
        f"  {module}: {error}" for module, error in sorted(failures.items())  # type: ignore[union-attr]
    )
    assert result["loaded"] == []


@needs_stdlib_list
def test_the_guard_catches_an_offender() -> None:
    """The same child refuses a forbidden import and names it (proves the test can fail)."""
    result = _run_child(["logging.handlers", "json"])
    failures = result["failures"]
    assert isinstance(failures, dict)
    assert set(failures) == {"logging.handlers"}
    assert "logging" in failures["logging.handlers"] and "python3-light" in failures["logging.handlers"]
