"""Protocol simulators: AT, QMI and MBIM modems driven by a profile and a scenario.

Engines are transport-independent (bytes in, bytes out) so the same code answers a pty
(``sim.pty``, ``python -m modem_doctor.sim``) and the lab's USB gadget endpoints:

- ``AtModem(profile, scenario).feed(data) -> bytes``
- ``QmiModem(profile, scenario).handle(frame) -> [frames]``
- ``MbimModem(profile, scenario).handle(message) -> [messages]``
- ``SimModem(profile, scenario)``: one device, ``.at``/``.qmi``/``.mbim`` sharing one state

Profiles and scenarios are JSON data under ``modem_doctor/data/sim/`` (see
docs/simulators.md). Standard library only.
"""

from __future__ import annotations

from .profiles import Profile, Scenario, load_profile, load_scenario, profile_names, scenario_names
from .state import ModemState

__all__ = [
    "AtModem", "MbimModem", "ModemState", "Profile", "QmiModem", "Scenario", "SimModem",
    "load_profile", "load_scenario", "profile_names", "scenario_names",
]


def __getattr__(name: str) -> object:
    # Engines load on first use so that importing the package stays cheap.
    if name == "AtModem":
        from .at import AtModem
        return AtModem
    if name == "QmiModem":
        from .qmi import QmiModem
        return QmiModem
    if name == "MbimModem":
        from .mbim import MbimModem
        return MbimModem
    if name == "SimModem":
        from .modem import SimModem
        return SimModem
    raise AttributeError(name)
