"""The simulated modem's live state, shared by the AT, QMI and MBIM engines.

``ModemState(profile, scenario)`` deep-copies the scenario's state tree and answers the
questions every protocol asks (is the SIM ready, are we registered, which technology, what
signal, does this data call succeed) in protocol-neutral terms. Engines translate those
answers into their own encodings; a PIN entered over AT is therefore seen by QMI too when
both engines share one state (``AtModem(state=s)``, ``QmiModem(state=s)``).

Derived, not stored: registration follows SIM, power and radio technology, so a scenario
only states the network's answer (``registration.state`` home/roaming/searching/denied) and
the engine works out the rest (e.g. an LTE-only mode on a 3G-only module -> searching).
"""

from __future__ import annotations

import copy
import time
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .profiles import Profile, Scenario, load_profile, load_scenario, set_dotted

# Technologies from best to worst; the modem camps on the best one it may use.
TECH_ORDER = ("lte", "umts", "gsm")

# Radio mode preferences -> technologies they allow (names used by all vendor settings).
MODE_TECHS: Dict[str, Tuple[str, ...]] = {
    "auto": ("gsm", "umts", "lte"),
    "gsm-only": ("gsm",),
    "umts-only": ("umts",),
    "lte-only": ("lte",),
    "gsm-umts": ("gsm", "umts"),
    "umts-lte": ("umts", "lte"),
}


class CallResult:
    """Outcome of a data-call request: ``ok`` plus either addresses or a 3GPP session cause."""

    def __init__(self, ok: bool, cause: Optional[int] = None, ip_types: Tuple[str, ...] = (),
                 reason: str = "", partial_cause: Optional[int] = None) -> None:
        self.ok = ok
        self.cause = cause  # 3GPP TS 24.008 SM / 24.301 ESM cause when the network refused
        self.ip_types = ip_types  # what was granted: ("ipv4",), ("ipv4", "ipv6") ...
        self.reason = reason  # why it failed, in words, for +CEER and logs
        self.partial_cause = partial_cause  # e.g. 50 when IPv4v6 was narrowed to IPv4

    def __repr__(self) -> str:
        return f"CallResult(ok={self.ok}, cause={self.cause}, ip_types={self.ip_types})"


class ModemState:
    """Mutable modem state built from a profile and a scenario (names or loaded objects)."""

    def __init__(self, profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
                 overrides: Optional[Dict[str, Any]] = None) -> None:
        self.profile = load_profile(profile)
        self.scenario = load_scenario(scenario, overrides)
        self.s: Dict[str, Any] = copy.deepcopy(self.scenario.state)
        for key in ("sim", "radio", "network", "registration", "packet", "signal", "data", "wda", "power"):
            self.s.setdefault(key, {})
        pdata = self.profile.data
        self.composition: str = str(pdata.get("composition", ""))
        self.pending_composition: str = self.composition
        self.usb_setting: Optional[str] = self._setting_for(self.composition)
        self.reset_requested = False
        self.reset_count = 0
        self.on_reset: List[Callable[["ModemState"], None]] = []
        # Active data sessions: ip type ("ipv4"/"ipv6") -> apn.
        self.sessions: Dict[str, str] = {}
        self.last_call_error: Optional[CallResult] = None
        # Timed changes: [{"after": seconds, "set": {"dotted.key": value}}], applied lazily
        # whenever an engine looks at the state (no timer thread needed).
        self._t0 = time.monotonic()
        self._events = sorted((dict(e) for e in self.s.get("events", []) if isinstance(e, dict)),
                              key=lambda e: float(e.get("after", 0)))

    # --- identity -------------------------------------------------------------------------
    def ident(self, key: str) -> str:
        return str(self.profile.data.get("identity", {}).get(key, ""))

    def format(self, template: str) -> str:
        """A profile template line with {manufacturer}, {imei}, {cpin}... filled in."""
        values = dict(self.profile.data.get("identity", {}))
        values["cpin"] = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}.get(self.sim_state(), "NOT INSERTED")
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def port_silent(self, kind: str) -> bool:
        """True when the scenario makes this control port hang (``ports.<kind>: "silent"``)."""
        return str(self.s.get("ports", {}).get(kind, "normal")) == "silent"

    # --- SIM ------------------------------------------------------------------------------
    @property
    def sim(self) -> Dict[str, Any]:
        return self.s["sim"]

    def tick(self) -> None:
        """Apply the scenario's timed events that are due."""
        now = time.monotonic() - self._t0
        while self._events and float(self._events[0].get("after", 0)) <= now:
            for key, value in dict(self._events.pop(0).get("set", {})).items():
                set_dotted(self.s, key, copy.deepcopy(value))

    def sim_state(self) -> str:
        """absent | pin | puk | blocked | error | ready."""
        self.tick()
        sim = self.sim
        if not sim.get("present", True) or sim.get("state") == "absent":
            return "absent"
        state = str(sim.get("state", "ready"))
        if state == "puk" and int(sim.get("puk_retries", 10)) <= 0:
            return "blocked"
        return state

    def verify_pin(self, pin: str) -> Tuple[bool, int]:
        """Enter PIN1: (accepted, tries left). A third wrong PIN moves the SIM to PUK."""
        sim = self.sim
        if pin == str(sim.get("pin", "")):
            sim["pin_retries"] = 3
            if self.sim_state() == "pin":
                sim["state"] = "ready"
            return True, 3
        sim["pin_retries"] = max(0, int(sim.get("pin_retries", 3)) - 1)
        if sim["pin_retries"] == 0:
            sim["state"] = "puk"
        return False, int(sim["pin_retries"])

    def unblock_pin(self, puk: str, new_pin: str) -> Tuple[bool, int]:
        """Enter the PUK and a new PIN1: (accepted, PUK tries left)."""
        sim = self.sim
        if puk == str(sim.get("puk", "")):
            sim["pin"] = new_pin
            sim["pin_retries"] = 3
            sim["puk_retries"] = 10
            sim["state"] = "ready"
            return True, 10
        sim["puk_retries"] = max(0, int(sim.get("puk_retries", 10)) - 1)
        return False, int(sim["puk_retries"])

    def set_pin_enabled(self, enabled: bool, pin: str) -> bool:
        ok, _ = self.verify_pin(pin)
        if ok:
            self.sim["pin_enabled"] = enabled
        return ok

    # --- power and radio -------------------------------------------------------------------
    @property
    def cfun(self) -> int:
        return int(self.s["power"].get("cfun", 1))

    def set_cfun(self, value: int) -> None:
        self.s["power"]["cfun"] = value
        if value != 1:
            self.sessions.clear()

    @property
    def mode(self) -> str:
        return str(self.s["radio"].get("mode", "auto"))

    def set_mode(self, mode: str) -> None:
        self.s["radio"]["mode"] = mode

    def technologies(self) -> Tuple[str, ...]:
        """What the modem may use: module technologies within the mode and the network's offer."""
        self.tick()
        allowed = MODE_TECHS.get(self.mode, MODE_TECHS["auto"])
        offered = self.s["network"].get("technologies") or TECH_ORDER
        return tuple(t for t in TECH_ORDER if t in self.profile.technologies and t in allowed and t in offered)

    def serving_tech(self) -> Optional[str]:
        """The technology the modem camps on, or None when it hears nothing usable."""
        if self.cfun != 1 or self.sim_state() == "absent":
            techs: Tuple[str, ...] = ()
        else:
            techs = self.technologies()
        for tech in techs:
            if self.s["signal"].get(tech):
                return tech
        return None

    # --- registration ------------------------------------------------------------------------
    def registration(self) -> Tuple[str, Optional[int]]:
        """(state, reject cause): idle | searching | home | roaming | denied."""
        if self.cfun != 1 or self.sim_state() != "ready":
            return "idle", None
        wanted = str(self.s["registration"].get("state", "home"))
        if wanted == "denied":
            cause = self.s["registration"].get("reject_cause")
            return "denied", int(cause) if cause is not None else None
        if self.serving_tech() is None:
            return "searching", None
        if wanted in ("home", "roaming", "searching", "idle"):
            return wanted, None
        return "home", None

    def registered(self) -> bool:
        return self.registration()[0] in ("home", "roaming")

    def attached(self) -> bool:
        return self.registered() and bool(self.s["packet"].get("attached", True))

    def plmn(self) -> str:
        net = self.s["network"]
        return f"{net.get('mcc', '001')}{net.get('mnc', '01')}"

    def signal(self) -> Dict[str, Any]:
        """The serving technology's signal values ({} when not camped)."""
        tech = self.serving_tech()
        if tech is None:
            return {}
        return dict(self.s["signal"].get(tech) or {})

    # --- data ----------------------------------------------------------------------------------
    @property
    def data(self) -> Dict[str, Any]:
        return self.s["data"]

    def default_apn(self) -> str:
        for ctx in self.data.get("contexts", []):
            if ctx.get("cid") == 1:
                return str(ctx.get("apn", ""))
        return ""

    def start_call(self, apn: Optional[str], ip_type: str = "ipv4", username: Optional[str] = None,
                   password: Optional[str] = None) -> CallResult:
        """Ask the network for a session. ip_type: ipv4 | ipv6 | ipv4v6."""
        causes_ok = self.data
        wrong_auth = bool(causes_ok.get("auth_required")) and (
            username != causes_ok.get("username") or password != causes_ok.get("password"))
        if not self.registered():
            result = CallResult(False, None, reason="not registered")
        elif not self.attached():
            result = CallResult(False, None, reason="not attached")
        else:
            name = apn if apn else self.default_apn()
            accepted = [str(a).lower() for a in causes_ok.get("apns", ["internet"])]
            if "*" not in accepted and name.lower() not in accepted:
                cause = int(causes_ok.get("apn_reject_cause", 27))
                result = CallResult(False, cause, reason=f"APN {name!r} rejected")
            elif wrong_auth:
                cause = int(causes_ok.get("auth_reject_cause", 29))
                result = CallResult(False, cause, reason="PDP authentication failed")
            else:
                allowed = tuple(causes_ok.get("ip_types", ["ipv4", "ipv6"]))
                wanted = ("ipv4", "ipv6") if ip_type == "ipv4v6" else (ip_type,)
                granted = tuple(t for t in wanted if t in allowed)
                ip_cause = causes_ok.get("ip_reject_cause")
                if not granted:
                    cause = int(ip_cause) if ip_cause is not None else (50 if "ipv4" in allowed else 51)
                    result = CallResult(False, cause, reason=f"PDP type {ip_type} refused")
                else:
                    partial = None
                    if len(granted) < len(wanted):
                        partial = int(ip_cause) if ip_cause is not None else 50
                    for t in granted:
                        self.sessions[t] = name
                    result = CallResult(True, None, ip_types=granted, partial_cause=partial)
        self.last_call_error = None if result.ok else result
        return result

    def stop_call(self, ip_type: Optional[str] = None) -> None:
        if ip_type is None:
            self.sessions.clear()
        else:
            self.sessions.pop(ip_type, None)

    def connected(self) -> bool:
        return bool(self.sessions)

    # --- USB composition and reset ---------------------------------------------------------------
    def _setting_for(self, composition: str) -> Optional[str]:
        for value, name in self.profile.data.get("usb_mode", {}).get("settings", {}).items():
            if name == composition:
                return str(value)
        return None

    def compositions(self) -> Dict[str, Any]:
        return dict(self.profile.data.get("compositions", {}))

    def set_usb_setting(self, value: str) -> bool:
        """Store a vendor USB-mode value for the next reset; False if the value is unknown."""
        settings = self.profile.data.get("usb_mode", {}).get("settings", {})
        for known, name in settings.items():
            if str(known).upper() == value.upper():
                self.pending_composition = name
                self.usb_setting = str(known)
                return True
        return False

    def reset(self) -> None:
        """A modem reset: the pending composition takes effect, volatile state is re-read."""
        self.composition = self.pending_composition
        self.reset_requested = True
        self.reset_count += 1
        self.sessions.clear()
        self.s["power"]["cfun"] = 1
        if self.sim_state() in ("ready", "pin") and self.sim.get("pin_enabled"):
            self.sim["state"] = "pin"
        for callback in list(self.on_reset):
            callback(self)
