"""The lab's link to the protocol simulators in ``modem_doctor.sim``.

The lab only carries bytes; what a modem answers is decided by the simulator engines,
driven by a profile (what the modem is) and a scenario (what state it is in). When an
engine is not available the interface is still enumerated and bound, but stays silent.
"""

from __future__ import annotations

import importlib
from typing import Callable, Optional, Tuple


def _find(names: Tuple[str, ...], attr: str) -> Optional[Callable[..., object]]:
    for module_name in names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        found = getattr(module, attr, None)
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def _make(attr: str, submodules: Tuple[str, ...], profile: str, scenario: str) -> Tuple[Optional[object], str]:
    cls = _find(("modem_doctor.sim",) + tuple(f"modem_doctor.sim.{m}" for m in submodules), attr)
    if cls is None:
        return None, f"modem_doctor.sim has no {attr}"
    try:
        return cls(profile, scenario), f"{attr}({profile!r}, {scenario!r})"
    except Exception as error:  # a missing profile must not stop the enumeration tests
        return None, f"{attr}({profile!r}, {scenario!r}) failed: {error!r}"


def at_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``feed(bytes) -> bytes`` and a note saying what it is."""
    return _make("AtModem", ("at", "atmodem"), profile, scenario)


def qmi_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``handle(frame) -> [frames]`` and a note saying what it is."""
    return _make("QmiModem", ("qmi", "qmimodem"), profile, scenario)


def mbim_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``handle(message) -> [messages]`` and a note saying what it is."""
    return _make("MbimModem", ("mbim", "mbimmodem"), profile, scenario)
