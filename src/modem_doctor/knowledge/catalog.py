"""The modem catalog: VID:PID to vendor, model, chipset family, form factor, radio
generation, compositions (USB configurations or vendor modes) with their data path and
port maps, the AT commands that query, set and reset the mode, and storage-mode IDs.

Data: ``data/modems/<vendor>.json``, one file per vendor. Each holds hand-written
``models`` (every fact naming its sources, resolved through the file's ``sources`` table),
vendor ``mode_commands``, vendor ``conventions`` for interface roles, ModemManager port
types per ID (``mm_ports``), and ``observed`` entries written by
``scripts/seed_catalog_observed.py`` from the real listings of the corpus. See
``data/modems/PROVENANCE.md``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._data import list_json, load_json
from . import modeswitch

DATA_PATHS = ("qmi", "mbim", "ncm", "ecm", "rndis", "hilink", "ppp", "directip", "storage", "none", "unknown")
FORM_FACTORS = ("usb-stick", "mini-pcie", "m.2", "lga")
RADIOS = ("2g", "3g", "4g", "5g")


@dataclass(frozen=True)
class Composition:
    """One way the modem can present itself: a USB configuration or a vendor mode."""

    id: Optional[str]  # VID:PID while in this composition
    data_path: str
    config: Optional[int] = None  # bConfigurationValue, when the composition is a USB configuration
    mode: Optional[str] = None  # vendor mode, e.g. 'usbnet=0', 'PID 9011'
    ports: Tuple[Tuple[int, str], ...] = ()  # interface number -> role
    sources: Tuple[str, ...] = ()
    note: str = ""

    def port_role(self, number: int) -> Optional[str]:
        for port, role in self.ports:
            if port == number:
                return role
        return None


@dataclass(frozen=True)
class ModeCommand:
    """How to query, set and reset the USB mode with AT commands (or sysfs)."""

    name: str
    query: str = ""
    set: str = ""
    reset: str = ""
    unlock: str = ""
    values: Tuple[Tuple[str, str], ...] = ()  # value -> what it selects
    persistent: bool = True
    note: str = ""
    sources: Tuple[str, ...] = ()

    def value_for(self, data_path: str) -> Optional[str]:
        for value, meaning in self.values:
            if meaning.split(" ")[0] == data_path:
                return value
        return None


@dataclass(frozen=True)
class ModemInfo:
    vendor: str
    model: str
    family: str
    ids: Tuple[str, ...]
    chipset: Optional[str] = None  # qualcomm, hisilicon, intel, mediatek, unisoc, asr, marvell...
    form_factor: Optional[str] = None
    radio: Optional[str] = None  # '3g', '4g', '5g'
    compositions: Tuple[Composition, ...] = ()
    mode_command: Optional[ModeCommand] = None
    storage_ids: Tuple[str, ...] = ()
    also_sold_as: Tuple[str, ...] = ()
    pci_ids: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()
    sources: Tuple[str, ...] = ()  # resolved source descriptions
    observed: bool = False  # True when only known from a corpus listing
    catalog_file: str = ""

    @property
    def is_3g_only(self) -> bool:
        return self.radio in ("2g", "3g")

    def compositions_for(self, vid_pid: str) -> Tuple[Composition, ...]:
        return tuple(c for c in self.compositions if c.id in (vid_pid, None))

    def composition(self, vid_pid: str, config: Optional[int] = None) -> Optional[Composition]:
        """The composition matching an ID and (when the catalog knows it) a configuration."""
        candidates = self.compositions_for(vid_pid)
        if config is not None:
            for candidate in candidates:
                if candidate.config == config:
                    return candidate
            if any(candidate.config is not None for candidate in candidates):
                return None
        # Vendor-mode compositions: one ID, one mode at a time; the first listed is the default.
        return candidates[0] if len(candidates) == 1 else None


def _files() -> Tuple[Tuple[str, Dict[str, Any]], ...]:
    return tuple((path, load_json(path)) for path in list_json("modems"))


def _resolve(sources: Iterable[str], table: Dict[str, str]) -> Tuple[str, ...]:
    return tuple(table.get(key, key) for key in sources)


def _composition(raw: Dict[str, Any], table: Dict[str, str]) -> Composition:
    return Composition(
        id=raw.get("id"),
        data_path=raw["data_path"],
        config=raw.get("config"),
        mode=raw.get("mode"),
        ports=tuple(sorted((int(k), v) for k, v in raw.get("ports", {}).items())),
        sources=_resolve(raw.get("source", ()), table),
        note=raw.get("note", ""),
    )


def _mode_command(name: str, raw: Dict[str, Any], table: Dict[str, str]) -> ModeCommand:
    return ModeCommand(
        name=name,
        query=raw.get("query", ""),
        set=raw.get("set", ""),
        reset=raw.get("reset", ""),
        unlock=raw.get("unlock", ""),
        values=tuple(sorted(raw.get("values", {}).items())),
        persistent=bool(raw.get("persistent", True)),
        note=raw.get("note", ""),
        sources=_resolve(raw.get("source", ()), table),
    )


@functools.lru_cache(maxsize=1)
def _index() -> Tuple[Dict[str, List[ModemInfo]], Dict[str, Dict[str, Any]], Tuple[ModemInfo, ...]]:
    by_id: Dict[str, List[ModemInfo]] = {}
    by_vid: Dict[str, Dict[str, Any]] = {}
    models: List[ModemInfo] = []
    for path, data in _files():
        table = data.get("sources", {})
        commands = {name: _mode_command(name, raw, table) for name, raw in data.get("mode_commands", {}).items()}
        for vid in data.get("vids", ()):
            by_vid.setdefault(vid, {"files": []})["files"].append(data)
        for raw in data.get("models", ()):
            info = ModemInfo(
                vendor=data["vendor"],
                model=raw["model"],
                family=raw["family"],
                ids=tuple(raw["ids"]),
                chipset=raw.get("chipset"),
                form_factor=raw.get("form_factor"),
                radio=raw.get("radio"),
                compositions=tuple(_composition(c, table) for c in raw.get("compositions", ())),
                mode_command=commands.get(raw.get("mode_commands", "")),
                storage_ids=tuple(raw.get("storage_ids", ())),
                also_sold_as=tuple(raw.get("also_sold_as", ())),
                pci_ids=tuple(raw.get("pci_ids", ())),
                notes=tuple(raw.get("notes", ())),
                sources=_resolve(raw.get("sources", ()), table),
                catalog_file=path,
            )
            models.append(info)
            for vid_pid in info.ids:
                by_id.setdefault(vid_pid, []).append(info)
        for vid_pid, entries in data.get("observed", {}).items():
            if vid_pid in by_id:
                continue
            first = entries[0]
            compositions = tuple(
                Composition(id=vid_pid, data_path=e["data_path"], config=e.get("config"),
                            sources=(e["source"],), note=f"seen in {e['corpus_file']}")
                for e in entries
            )
            info = ModemInfo(
                vendor=data["vendor"],
                model=first["model"],
                family=f"{data['vendor']} {first['model']}",
                ids=(vid_pid,),
                radio=first.get("radio"),
                compositions=compositions,
                notes=tuple(dict.fromkeys(e["title"] for e in entries)),
                sources=tuple(dict.fromkeys(e["source"] for e in entries)),
                observed=True,
                catalog_file=path,
            )
            by_id.setdefault(vid_pid, []).append(info)
    return by_id, by_vid, tuple(models)


def lookup(vid_pid: str) -> Tuple[ModemInfo, ...]:
    """Every catalog entry for ``vid_pid`` ('12d1:1573'): curated models first, then the
    entry seen only in a corpus listing."""
    return tuple(_index()[0].get(vid_pid.lower(), ()))


def identify(vid_pid: str, config_interfaces: Optional[Dict[int, Tuple[int, ...]]] = None,
             product: str = "") -> Optional[ModemInfo]:
    """The best single entry for a device. When several models share an ID (MU609 and
    ME909u-521 are both 12d1:1573), prefer the one whose per-configuration port maps cover
    exactly the interface numbers the listing shows (``config_interfaces``: config number ->
    interface numbers), then one whose name appears in the product string, then the first."""
    candidates = lookup(vid_pid)
    if not candidates:
        return None

    def score(info: ModemInfo) -> int:
        points = 0
        for composition in info.compositions_for(vid_pid.lower()):
            if composition.config is None or not composition.ports or not config_interfaces:
                continue
            shown = config_interfaces.get(composition.config)
            if shown is not None and tuple(sorted(shown)) == tuple(port for port, _ in composition.ports):
                points += 2
        if product and info.model.split(" ")[0].lower() in product.lower():
            points += 1
        return points

    best = max(candidates, key=score)
    return best if score(best) > 0 else candidates[0]


def _model_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def find_model(name: str) -> Tuple[ModemInfo, ...]:
    """Hand-written entries for a model named in words ('MU609', 'Huawei EC25-E',
    'e3372h-153'): an exact match of the model (or a name it is sold as), else the
    longest model name the given name starts with (EC25-E -> EC25). Vendor words in
    front are ignored. Answers are kept per name (the same few names are asked for on
    every diagnosis) and the model keys are computed once per catalog."""
    infos = models()
    if _FOUND_FOR[0] is not infos:
        _FOUND.clear()
        _FOUND_FOR[0] = infos
        _FOUND_KEYS[:] = [(info, tuple(_name_keys(info, candidate) for candidate in (info.model,) + info.also_sold_as))
                          for info in infos]
    hit = _FOUND.get(name)
    if hit is None:
        if len(_FOUND) >= 4096:
            _FOUND.clear()
        hit = _FOUND[name] = _find_model(_model_key(name))
    return hit


def _name_keys(info: ModemInfo, candidate: str) -> Tuple[str, str]:
    model = _model_key(candidate.split(" (")[0])
    return model, _model_key(info.vendor) + model


# find_model's memo: the catalog it was built for, its answers by name, the keys of each model
_FOUND_FOR: List[Any] = [None]
_FOUND: Dict[str, Tuple[ModemInfo, ...]] = {}
_FOUND_KEYS: List[Tuple[ModemInfo, Tuple[Tuple[str, str], ...]]] = []


def _find_model(key: str) -> Tuple[ModemInfo, ...]:
    if not key:
        return ()
    exact: List[ModemInfo] = []
    prefix: List[Tuple[int, ModemInfo]] = []
    for info, names in _FOUND_KEYS:
        for model, vendor_model in names:
            if key in (model, vendor_model):
                exact.append(info)
                break
            for full in (model, vendor_model):
                if full and len(full) >= 4 and key.startswith(full):
                    prefix.append((len(full), info))
                    break
    if exact:
        return tuple(dict.fromkeys(exact))
    best = max((length for length, _ in prefix), default=0)
    return tuple(dict.fromkeys(info for length, info in prefix if length == best))


def models() -> Tuple[ModemInfo, ...]:
    """Every hand-written model entry."""
    return _index()[2]


def families() -> Tuple[str, ...]:
    return tuple(dict.fromkeys(info.family for info in models()))


def known_ids() -> Tuple[str, ...]:
    return tuple(sorted(_index()[0]))


def vendor_data(vid: str) -> Tuple[Dict[str, Any], ...]:
    """The raw vendor files that claim USB vendor ID ``vid`` (for conventions and port types)."""
    return tuple(_index()[1].get(vid.lower(), {"files": []})["files"])


def mm_ports(vid_pid: str) -> Tuple[Dict[int, str], Tuple[str, ...]]:
    """ModemManager's port types for an ID (interface number -> role) and their source."""
    vid = vid_pid.split(":")[0].lower()
    for data in vendor_data(vid):
        ports = data.get("mm_ports", {}).get(vid_pid.lower())
        if ports:
            table = data.get("sources", {})
            return ({int(k): v for k, v in ports.items()}, _resolve(data.get("mm_ports_source", ()), table))
    return ({}, ())


def storage_ids(info: ModemInfo) -> Tuple[str, ...]:
    """Storage (CD-ROM) mode IDs that turn into this modem: the catalog's own list plus
    what usb-modeswitch-data says switches to one of its IDs."""
    found: List[str] = list(info.storage_ids)
    for vid_pid in info.ids:
        found.extend(modeswitch.switched_from(vid_pid))
    return tuple(dict.fromkeys(found))


def from_storage(vid_pid: str) -> Tuple[ModemInfo, ...]:
    """Models a storage (CD-ROM) mode ID turns into: those listing it as a storage ID, then
    those owning an ID that usb-modeswitch-data switches it to."""
    wanted = vid_pid.lower()
    found: List[ModemInfo] = [info for info in models() if wanted in info.storage_ids]
    for entry in modeswitch.lookup(wanted):
        for target in entry.targets:
            for info in lookup(target):
                if info not in found and not info.observed:
                    found.append(info)
    return tuple(found)
