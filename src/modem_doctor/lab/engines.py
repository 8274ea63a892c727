"""The lab's link to the protocol simulators in ``modem_doctor.sim``.

The lab only carries bytes; what a modem answers is decided by the simulator engines,
driven by a profile (what the modem is) and a scenario (what state it is in). All
engines of one simulated modem share one ``ModemState``, so a PIN entered on the AT port
is seen over QMI too. When an engine is not available the interface is still enumerated
and bound, but stays silent, and the note says why.
"""

from __future__ import annotations

import importlib
from typing import Dict, Optional, Tuple

_STATES: Dict[Tuple[str, str], object] = {}


def _engine_class(attr: str) -> Tuple[Optional[type], str]:
    try:
        sim = importlib.import_module("modem_doctor.sim")
        return getattr(sim, attr), ""
    except (ImportError, AttributeError) as error:
        return None, f"modem_doctor.sim has no {attr} ({error})"


def shared_state(profile: str, scenario: str) -> Optional[object]:
    """The one ModemState of this (profile, scenario) in this VM."""
    key = (profile, scenario)
    if key not in _STATES:
        try:
            from ..sim.state import ModemState

            _STATES[key] = ModemState(profile, scenario)
        except Exception:  # no state model yet: engines make their own
            return None
    return _STATES[key]


def _make(attr: str, profile: str, scenario: str) -> Tuple[Optional[object], str]:
    cls, why = _engine_class(attr)
    if cls is None:
        return None, why
    state = shared_state(profile, scenario)
    try:
        if state is not None:
            return cls(profile, scenario, state=state), f"{attr}({profile!r}, {scenario!r}, shared state)"
        return cls(profile, scenario), f"{attr}({profile!r}, {scenario!r})"
    except Exception as error:  # a bad profile must not stop the enumeration tests
        return None, f"{attr}({profile!r}, {scenario!r}) failed: {error!r}"


def at_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``feed(bytes) -> bytes`` and a note saying what it is."""
    return _make("AtModem", profile, scenario)


def qmi_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``handle(frame) -> [frames]`` and a note saying what it is."""
    return _make("QmiModem", profile, scenario)


def mbim_engine(profile: str, scenario: str) -> Tuple[Optional[object], str]:
    """An engine with ``handle(message) -> [messages]`` and a note saying what it is."""
    return _make("MbimModem", profile, scenario)
