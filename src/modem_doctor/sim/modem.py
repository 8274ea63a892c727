"""One simulated modem with all its control ports sharing one state.

    from modem_doctor.sim.modem import SimModem
    modem = SimModem("mu609", "ready")
    modem.at.feed(b"AT^SETPORT?\\r")          # AT port (PCUI)
    modem.qmi.handle(frame)                  # QMI port (cdc-wdm)
    modem.on_reset(lambda state: ...)        # e.g. re-enumerate the USB gadget
    modem.interfaces()                       # the active composition's USB layout

This is what a USB gadget (the lab) or a test wants when one device exposes several ports:
a PIN entered on the AT port unlocks QMI, and a vendor USB-mode switch followed by a reset
changes ``modem.state.composition`` for every port.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Union

from .profiles import Profile, Scenario
from .state import ModemState


class SimModem:
    """Lazily built AT, QMI and MBIM engines over one ModemState."""

    def __init__(self, profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
                 overrides: Optional[Dict[str, Any]] = None, state: Optional[ModemState] = None) -> None:
        self.state = state if state is not None else ModemState(profile, scenario, overrides)
        self._engines: Dict[str, Any] = {}

    def _engine(self, kind: str) -> Any:
        if kind not in self._engines:
            from .pty import make_engine
            self._engines[kind] = make_engine(kind, self.state.profile, self.state.scenario, state=self.state)
        return self._engines[kind]

    @property
    def at(self) -> Any:
        return self._engine("at")

    @property
    def qmi(self) -> Any:
        return self._engine("qmi")

    @property
    def mbim(self) -> Any:
        return self._engine("mbim")

    def on_reset(self, callback: Callable[[ModemState], None]) -> None:
        """Call ``callback(state)`` after every modem reset (AT or QMI triggered)."""
        self.state.on_reset.append(callback)

    def configurations(self) -> List[Dict[str, Any]]:
        """USB configurations of the active composition: [{"value", "interfaces": [...]}]."""
        composition = self.state.compositions().get(self.state.composition, {})
        return list(composition.get("configurations", []))

    def interfaces(self, configuration: int = 1) -> List[Dict[str, Any]]:
        """Interfaces ({"number", "class", "function"}) of one configuration."""
        for config in self.configurations():
            if int(config.get("value", 0)) == configuration:
                return list(config.get("interfaces", []))
        return []
