"""Profiles (what the modem is) and scenarios (what state it is in), loaded from JSON data.

Data lives in ``modem_doctor/data/sim/``:

- ``profiles/<name>.json``: identity, radio technologies, AT dialect, USB compositions and the
  vendor USB-mode setting that selects them, QMI service versions.
- ``scenarios/<name>.json``: ``{"name", "description", "fault", "extends", "state": {...}}``.
  ``extends`` names another scenario (or a list of them) whose state is merged underneath.
- ``causes.json``: 3GPP reject/session cause names and CME error texts.

Scenarios compose: ``load_scenario("registration-denied+ipv6-refused")`` merges the states in
order, and ``overrides`` (``{"registration.reject_cause": 15}``) sets single dotted keys on top.

    >>> load_scenario("wrong-apn", {"data.apn_reject_cause": 27}).state["data"]["apn_reject_cause"]
    27
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ..errors import KnowledgeError

SIM_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "sim")


@dataclass(frozen=True)
class Profile:
    """What the modem is. ``data`` is the parsed profile JSON (treat it as read-only)."""

    name: str
    data: Dict[str, Any] = field(repr=False)

    @property
    def identity(self) -> Dict[str, str]:
        return dict(self.data.get("identity", {}))

    @property
    def technologies(self) -> Tuple[str, ...]:
        return tuple(self.data.get("technologies", ()))

    @property
    def dialect(self) -> str:
        return str(self.data.get("at", {}).get("dialect", "generic"))


@dataclass(frozen=True)
class Scenario:
    """What state the modem is in. ``state`` is the fully merged state tree (read-only)."""

    name: str
    description: str
    fault: Optional[str]
    state: Dict[str, Any] = field(repr=False)


def _read(kind: str, name: str) -> Dict[str, Any]:
    if not name or "/" in name or name.startswith("."):
        raise KnowledgeError(f"invalid simulator {kind} name {name!r}")
    path = os.path.join(SIM_DATA_DIR, kind + "s", name + ".json")
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError:
        raise KnowledgeError(
            f"unknown simulator {kind} {name!r}; known: {', '.join(_names(kind + 's'))}") from None
    except ValueError as error:
        raise KnowledgeError(f"simulator {kind} file {path} is damaged: {error}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"simulator {kind} file {path} is not a JSON object")
    return data


def _names(directory: str) -> Tuple[str, ...]:
    try:
        files = os.listdir(os.path.join(SIM_DATA_DIR, directory))
    except OSError:
        return ()
    return tuple(sorted(name[:-5] for name in files if name.endswith(".json")))


def profile_names() -> Tuple[str, ...]:
    """The names of the bundled profiles."""
    return _names("profiles")


def scenario_names() -> Tuple[str, ...]:
    """The names of the bundled scenarios."""
    return _names("scenarios")


def load_profile(name: Union[str, Profile]) -> Profile:
    """The profile called ``name`` (a Profile is returned unchanged)."""
    if isinstance(name, Profile):
        return name
    data = _read("profile", name)
    return Profile(name=str(data.get("name", name)), data=data)


def merge(base: Any, top: Any) -> Any:
    """Deep merge of JSON values: objects merge key by key, anything else in ``top`` wins."""
    if isinstance(base, dict) and isinstance(top, dict):
        merged = dict(base)
        for key, value in top.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(top)


def _scenario_layers(name: str, seen: Tuple[str, ...]) -> List[Tuple[str, Dict[str, Any], Dict[str, Any]]]:
    """(name, own state, file data) for ``name`` and its ancestors, ancestors first."""
    if name in seen:
        raise KnowledgeError(f"simulator scenario {name!r} extends itself ({' -> '.join(seen + (name,))})")
    data = _read("scenario", name)
    parents = data.get("extends") or []
    if isinstance(parents, str):
        parents = [parents]
    layers: List[Tuple[str, Dict[str, Any], Dict[str, Any]]] = []
    for parent in parents:
        layers.extend(_scenario_layers(parent, seen + (name,)))
    layers.append((name, data.get("state", {}), data))
    return layers


def parse_value(text: str) -> Any:
    """A command-line override value: JSON if it parses (15, null, ["lte"]), else the string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def set_dotted(tree: Dict[str, Any], key: str, value: Any) -> None:
    """Set ``a.b.c`` in a nested dict, creating the objects on the way."""
    parts = key.split(".")
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def load_scenario(name: Union[str, Scenario], overrides: Optional[Mapping[str, Any]] = None) -> Scenario:
    """The scenario ``name``; ``a+b`` merges b's state over a's; overrides set dotted keys."""
    if isinstance(name, Scenario):
        if not overrides:
            return name
        base = name
        state = copy.deepcopy(base.state)
        description, fault, full = base.description, base.fault, base.name
    else:
        # Each layer (a scenario's own state) is applied once, ancestors first, so in
        # "registration-denied+ipv6-refused" the shared base "ready" cannot undo the denial.
        state = {}
        descriptions = []
        fault = None
        applied: List[str] = []
        for part in name.split("+"):
            layers = _scenario_layers(part.strip(), ())
            for layer_name, layer_state, _ in layers:
                if layer_name not in applied:
                    applied.append(layer_name)
                    state = merge(state, layer_state)
            data = layers[-1][2]
            descriptions.append(str(data.get("description", "")))
            fault = data.get("fault") or fault
        description = " + ".join(descriptions)
        full = name
    for key, value in (overrides or {}).items():
        set_dotted(state, key, value)
    return Scenario(name=full, description=description, fault=fault, state=state)


_CAUSES: Dict[str, Any] = {}


def causes() -> Dict[str, Any]:
    """The cause tables of ``causes.json`` (reject, session, cme, session_to_cme)."""
    if not _CAUSES:
        path = os.path.join(SIM_DATA_DIR, "causes.json")
        try:
            with open(path, encoding="utf-8") as handle:
                _CAUSES.update(json.load(handle))
        except (OSError, ValueError) as error:
            raise KnowledgeError(f"simulator cause table {path}: {error}") from None
    return _CAUSES
