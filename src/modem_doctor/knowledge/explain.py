"""For each modem in a host's USB listings: who it is, every configuration it offers (the
active one and the one Linux picks marked), each interface's class triple, role, bound
driver, predicted driver and OpenWrt package, the data path each configuration offers,
and the recommended data path, configuration and netifd protocol.

Built on the parsed ``Host`` (load.py), the kernel binding prediction (knowledge.binding),
the catalog, interface roles and OpenWrt packages. ``to_json`` gives the ``modems`` part of
the diagnosis contract (issue 4, schema modem-doctor/diagnosis/1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ..model.usb import DriverState, UsbConfig, UsbDevice
from . import catalog, modeswitch, packages, roles

# Data paths in the order OpenWrt handles them best: QMI and MBIM have native netifd
# handlers (uqmi, umbim) with cdc-wdm control; NCM/ECM need AT dialling or a router-style
# modem; PPP is the slow fallback (openwrt-stack.md sections 2 and 4).
PREFERENCE = ("qmi", "mbim", "ncm", "ecm", "hilink", "rndis", "directip", "ppp")
ROOT_HUB_VENDOR = 0x1D6B


@dataclass(frozen=True)
class InterfaceExplanation:
    number: int
    alt: int
    cls: int
    subclass: int
    protocol: int
    role: str
    role_source: str
    role_detail: str
    driver_bound: Optional[str]  # what the listing shows bound; None when not shown/unbound
    driver_state: str
    driver_expected: Optional[str]  # what the kernel will bind (binding prediction)
    driver_rule: str
    package: Optional[str]  # OpenWrt kmod shipping the expected (else bound) driver


@dataclass(frozen=True)
class ConfigExplanation:
    number: int
    active: bool
    linux_picks: bool
    data_path: str
    interfaces: Tuple[InterfaceExplanation, ...]
    composition_note: str = ""


@dataclass(frozen=True)
class Recommendation:
    data_path: str
    config: Optional[int]
    netifd_proto: Optional[str]
    packages: Tuple[str, ...]
    reason: str
    mode_switch: Optional[Dict[str, str]] = None
    release: Optional[str] = None  # the OpenWrt release series the packages were checked for
    unavailable: Tuple[str, ...] = ()  # needed packages that release does not have


@dataclass(frozen=True)
class Switch:
    """What it takes to reach the recommended data path from the state Linux leaves the
    modem in: nothing, a USB configuration choice, a vendor AT mode, or a storage eject."""

    kind: str  # 'none', 'usb-config', 'vendor-mode', 'storage-eject'
    commands: Tuple[str, ...] = ()
    usb_mode_json: Optional[Dict[str, Any]] = None
    persistent: bool = True
    reason: str = ""
    caveat: str = ""


@dataclass(frozen=True)
class ModemExplanation:
    vid: str
    pid: str
    vendor: str
    model: str
    family: str
    radio: Optional[str]
    chipset: Optional[str]
    form_factor: Optional[str]
    usb_path: str
    active_config: Optional[int]
    linux_config: Optional[int]
    linux_rule: str
    configs: Tuple[ConfigExplanation, ...]
    recommended: Recommendation
    artifact: str
    catalog_sources: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()
    storage_mode: bool = False
    modeswitch_targets: Tuple[str, ...] = ()
    switch: Switch = Switch("none")
    mode_command: Optional[catalog.ModeCommand] = None
    openwrt_wwan: Optional[Dict[str, Any]] = None
    modeswitch_entries: Tuple[Dict[str, Any], ...] = ()


def _predict(device: UsbDevice) -> Any:
    try:
        from .binding import predict
    except ImportError:  # binding data not built: explain without predictions
        return None
    return predict(device)


def _prediction_maps(prediction: Any) -> Dict[Tuple[int, int], Any]:
    found: Dict[Tuple[int, int], Any] = {}
    if prediction is None:
        return found
    for config in getattr(prediction, "configs", ()):
        for interface in getattr(config, "interfaces", ()):
            key = (config.number, interface.number)
            if key not in found or getattr(interface, "alt", 0) == 0:
                found[key] = interface
    return found


def is_modem_like(device: UsbDevice) -> bool:
    """A device worth explaining: known to the catalog or usb_modeswitch, or shaped like a
    cellular modem (vendor-specific serial/network interfaces or CDC network functions)."""
    if device.is_hub or device.vendor_id == ROOT_HUB_VENDOR:
        return False
    if catalog.lookup(device.vid_pid) or modeswitch.lookup(device.vid_pid):
        return True
    for config in device.configs:
        classes = {(i.cls, i.subclass) for i in config.interfaces}
        if {(0x02, 0x0E), (0x02, 0x0D)} & classes:
            return True
        vendor_bulk = [i for i in config.interfaces if i.cls == 0xFF and i.num_endpoints >= 2]
        if len(vendor_bulk) >= 2:
            return True
        if (0x02, 0x06) in classes and any(i.cls == 0xFF for i in config.interfaces):
            return True
    return False


def explain_device(device: UsbDevice, artifact: str = "", release: Optional[str] = None) -> ModemExplanation:
    interfaces_by_config = {c.number: tuple(i.number for i in c.interfaces) for c in device.configs}
    info = catalog.identify(device.vid_pid, interfaces_by_config, device.product)
    storage_of: Tuple[catalog.ModemInfo, ...] = ()
    if info is None and modeswitch.is_storage_mode(device.vid_pid):
        storage_of = catalog.from_storage(device.vid_pid)
    prediction = _predict(device)
    predicted = _prediction_maps(prediction)
    linux_config = getattr(prediction, "chosen_config", None) if prediction is not None else None
    configs: List[ConfigExplanation] = []
    for config in device.configs:
        configs.append(_explain_config(device, config, info, predicted, linux_config))
    storage = modeswitch.is_storage_mode(device.vid_pid)
    targets: Tuple[str, ...] = ()
    for entry in modeswitch.lookup(device.vid_pid):
        targets += entry.targets
    recommended = _recommend(device, info, configs, storage, release)
    switch = _switch(device, info, configs, recommended, linux_config, storage)
    notes: Tuple[str, ...] = info.notes if info else ()
    if storage_of:
        notes += (f"storage (CD-ROM) mode of {', '.join(dict.fromkeys(f'{m.vendor} {m.model}' for m in storage_of))}",)
    entries = tuple(
        {"match": e.match, "methods": list(e.methods), "targets": list(e.targets), "configuration": e.configuration,
         "names": list(e.names), "in_openwrt": e.in_openwrt}
        for e in modeswitch.lookup(device.vid_pid)
    )
    return ModemExplanation(
        vid=f"{device.vendor_id:04x}",
        pid=f"{device.product_id:04x}",
        vendor=info.vendor if info else (storage_of[0].vendor if storage_of else (device.manufacturer or "unknown")),
        model=info.model if info else (f"{storage_of[0].model} (storage mode)" if storage_of else (device.product or "unknown")),
        family=info.family if info else "",
        radio=info.radio if info else None,
        chipset=info.chipset if info else None,
        form_factor=info.form_factor if info else None,
        usb_path=device.path,
        active_config=device.active_config.number if device.active_config else None,
        linux_config=linux_config,
        linux_rule=str(getattr(prediction, "chosen_rule", "") or ""),
        configs=tuple(configs),
        recommended=recommended,
        artifact=artifact,
        catalog_sources=info.sources if info else (),
        notes=notes,
        storage_mode=storage,
        modeswitch_targets=tuple(dict.fromkeys(targets)),
        switch=switch,
        mode_command=info.mode_command if info else None,
        openwrt_wwan=_wwan_record(device.vid_pid),
        modeswitch_entries=entries,
    )


def _wwan_record(vid_pid: str) -> Optional[Dict[str, Any]]:
    from ._data import load_json

    record = load_json("openwrt/wwan.json")["devices"].get(vid_pid)
    return dict(record) if record else None


def _switch(device: UsbDevice, info: Optional[catalog.ModemInfo], configs: List[ConfigExplanation],
            recommended: Recommendation, linux_config: Optional[int], storage: bool) -> Switch:
    if storage:
        document = modeswitch.usb_mode_json(device.vid_pid)
        return Switch("storage-eject", (), document or None, True,
                      "the modem shows its storage (CD-ROM) mode; usb-modeswitch must eject or message it",
                      "" if document else "usb-modeswitch-data has no entry OpenWrt keeps for this ID")
    if recommended.config is not None and linux_config is not None and recommended.config != linux_config:
        base = f"/sys/bus/usb/devices/{device.path or '<usb path>'}/bConfigurationValue"
        return Switch(
            "usb-config",
            (f"echo 0 > {base}", f"echo {recommended.config} > {base}"),
            modeswitch.usb_mode_json(device.vid_pid, config=recommended.config),
            False,
            f"Linux picks configuration {linux_config} by itself; {recommended.data_path.upper()} is in configuration {recommended.config}",
            "a sysfs write lasts until the next re-plug or reboot: repeat it from a hotplug script or a usb-mode.json "
            "'config' entry, kept across upgrades in /etc/sysupgrade.conf; " + modeswitch.CONFIG_ENTRY_CAVEAT,
        )
    if not configs and info is not None and info.mode_command is not None and info.mode_command.query:
        command = info.mode_command
        steps = tuple(step for step in (command.unlock, command.query) if step)
        return Switch("vendor-mode", steps, None, command.persistent,
                      f"the listing shows no interfaces: check which mode the {info.model} is in", command.note)
    if info is not None and info.mode_command is not None and info.mode_command.set:
        rank = {path: index for index, path in enumerate(PREFERENCE)}
        current = rank.get(recommended.data_path, len(PREFERENCE))
        for composition in info.compositions_for(device.vid_pid):
            value = info.mode_command.value_for(composition.data_path)
            if composition.mode and value is not None and rank.get(composition.data_path, 99) < current:
                command = info.mode_command
                steps = tuple(step for step in (command.unlock, command.set.format(value=value), command.reset) if step)
                return Switch("vendor-mode", steps, None, command.persistent,
                              f"{info.model} offers {composition.data_path.upper()} in vendor mode '{composition.mode}'",
                              command.note)
    return Switch("none")


def _explain_config(device: UsbDevice, config: UsbConfig, info: Optional[catalog.ModemInfo],
                    predicted: Dict[Tuple[int, int], Any], linux_config: Optional[int]) -> ConfigExplanation:
    drivers: Dict[int, Optional[str]] = {}
    for interface in config.interfaces:
        guess = predicted.get((config.number, interface.number))
        bound = interface.driver if interface.driver_state == DriverState.BOUND else None
        drivers.setdefault(interface.number, getattr(guess, "driver", None) or bound)
    assigned = {a.number: a for a in roles.assign_config(device.vid_pid, config, info, drivers)}
    explained: List[InterfaceExplanation] = []
    seen = set()
    for interface in sorted(config.interfaces, key=lambda item: (item.number, item.alt)):
        if interface.number in seen:
            continue  # one row per interface: the alt setting roles.py chose
        assignment = assigned.get(interface.number)
        if assignment is not None and assignment.alt != interface.alt:
            continue
        seen.add(interface.number)
        guess = predicted.get((config.number, interface.number))
        expected = getattr(guess, "driver", None)
        bound = interface.driver if interface.driver_state == DriverState.BOUND else None
        explained.append(InterfaceExplanation(
            number=interface.number,
            alt=interface.alt,
            cls=interface.cls,
            subclass=interface.subclass,
            protocol=interface.protocol,
            role=assignment.role if assignment else "unknown",
            role_source=assignment.source if assignment else "none",
            role_detail=assignment.detail if assignment else "",
            driver_bound=bound,
            driver_state=interface.driver_state.value,
            driver_expected=expected,
            driver_rule=str(getattr(guess, "rule", "") or ""),
            package=packages.kmod_for_driver(expected or bound),
        ))
    composition = info.composition(device.vid_pid, config.number) if info else None
    role_path = roles.data_path(tuple(assigned[n] for n in sorted(assigned)))
    data_path = role_path
    if composition is not None and composition.data_path in ("hilink",):
        data_path = composition.data_path  # a router-style stick looks like plain ECM
    return ConfigExplanation(
        number=config.number,
        active=config.active,
        linux_picks=linux_config == config.number,
        data_path=data_path,
        interfaces=tuple(explained),
        composition_note=composition.note if composition else "",
    )


def _netifd_proto(data_path: str, config: Optional[ConfigExplanation]) -> Optional[str]:
    candidates = packages.protos_for_data_path(data_path)
    if not candidates:
        return None
    if data_path == "ecm" and config is not None:
        # A stick-mode ECM modem with AT ports must be dialled (proto ncm, e.g. AT^NDISDUP);
        # without AT ports it is router-style and just needs DHCP (openwrt-stack.md 2.3).
        has_at = any(i.role in ("at", "modem") for i in config.interfaces)
        return "ncm" if has_at else "dhcp"
    return candidates[0]


def _recommend(device: UsbDevice, info: Optional[catalog.ModemInfo], configs: List[ConfigExplanation],
               storage: bool, release: Optional[str]) -> Recommendation:
    if storage and not any(c.data_path not in ("storage", "none", "unknown") for c in configs):
        return Recommendation("storage", None, None, ("usb-modeswitch",),
                              "the device is in its storage (CD-ROM) mode; it must be switched before it can carry data")
    if not configs and info is not None:
        return _recommend_from_catalog(device, info)
    best: Optional[ConfigExplanation] = None
    for path in PREFERENCE:
        matching = [c for c in configs if c.data_path == path]
        if matching:
            best = next((c for c in matching if c.active), matching[0])
            break
    if best is None:
        if not configs:
            return Recommendation("unknown", None, None, (), "the listing shows no configurations and the catalog does not know the ID")
        path = "none" if all(c.data_path == "none" for c in configs) else "unknown"
        return Recommendation(path, None, None, (), "no configuration offers a data path the tables know")
    proto = _netifd_proto(best.data_path, best)
    needed: List[str] = []
    for interface in best.interfaces:
        driver = interface.driver_expected or interface.driver_bound
        if interface.package and interface.role in (roles.NETWORK_ROLES | {"at", "modem"}):
            needed.append(interface.package)
        elif interface.package and driver in roles.SERIAL_DRIVERS:
            needed.append(interface.package)
    if proto:
        proto_info = packages.proto_packages(proto)
        needed.extend(proto_info.userland)
        if proto_info.luci:
            needed.append(proto_info.luci)
    reason = f"configuration {best.number} offers {best.data_path.upper()}"
    if len(configs) > 1:
        others = ", ".join(f"{c.number}: {c.data_path}" for c in configs if c.number != best.number)
        reason += f" (others: {others})"
    mode_switch = None
    if info is not None and info.mode_command is not None and info.mode_command.set:
        mode_switch = {"command_set": info.mode_command.name, "set": info.mode_command.set,
                       "query": info.mode_command.query, "reset": info.mode_command.reset}
    wanted = tuple(dict.fromkeys(needed))
    series = packages.release_key(release) if release else None
    unavailable = tuple(name for name in wanted if series and not packages.available(name, series))
    return Recommendation(best.data_path, best.number, proto, tuple(n for n in wanted if n not in unavailable),
                          reason, mode_switch, series, unavailable)


def _recommend_from_catalog(device: UsbDevice, info: catalog.ModemInfo) -> Recommendation:
    """The listing shows only the ID (lsusb): recommend what the catalog says the modem
    can offer, without claiming which mode it is in now."""
    offered = [c.data_path for c in info.compositions_for(device.vid_pid)]
    for path in PREFERENCE:
        if path in offered:
            proto = _netifd_proto(path, None)
            needed: List[str] = []
            if proto:
                proto_info = packages.proto_packages(proto)
                needed.extend(proto_info.userland)
                if proto_info.luci:
                    needed.append(proto_info.luci)
            return Recommendation(path, None, proto, tuple(needed),
                                  f"the listing shows no interfaces; the catalog says {info.model} can offer {path.upper()}")
    return Recommendation("unknown", None, None, (), "the listing shows no interfaces")


def install_plan(explanation: ModemExplanation, installed: Tuple[str, ...]) -> Dict[str, Any]:
    """The recommended packages not yet installed (DEPENDS taken into account) and the
    commands for the release the recommendation was made for."""
    missing = packages.missing(explanation.recommended.packages, installed)
    return {"missing": list(missing),
            "commands": list(packages.install_commands(missing, explanation.recommended.release))}


def explain_host(host: Any, release: Optional[str] = None, artifact: Optional[str] = None) -> Tuple[ModemExplanation, ...]:
    """Every modem-like device of the host. A device shown in several listings is explained
    from the latest listing that shows the most of its configurations; with ``artifact``,
    only from that listing (to compare a thread's listings before and after a change)."""
    release = release or (host.release() if hasattr(host, "release") else None)
    chosen: Dict[Tuple[str, str], Tuple[str, UsbDevice]] = {}
    order: List[Tuple[str, str]] = []
    shown = [(artifact_id, device) for artifact_id, device in host.usb_devices()
             if (artifact is None or artifact_id == artifact) and is_modem_like(device)]
    # A listing without port paths (lsusb -v, lsusb) shows the same device as a listing
    # with them when only one device of that ID has a path: one modem, not two.
    paths: Dict[str, set] = {}
    for _artifact_id, device in shown:
        if device.path:
            paths.setdefault(device.vid_pid, set()).add(device.path)
    for artifact_id, device in shown:
        path = device.path
        merged = False
        if not path and len(paths.get(device.vid_pid, ())) == 1:
            path = next(iter(paths[device.vid_pid]))
            merged = True
        key = (device.vid_pid, path)
        if key not in chosen:
            order.append(key)
            chosen[key] = (artifact_id, device)
        elif merged and chosen[key][1].path:
            # the listing with the path (and the active configuration) stays unless this
            # one shows more configurations
            if len(device.configs) > len(chosen[key][1].configs):
                chosen[key] = (artifact_id, device)
        elif len(device.configs) >= len(chosen[key][1].configs) or (device.path and not chosen[key][1].path):
            chosen[key] = (artifact_id, device)
    return tuple(explain_device(chosen[key][1], chosen[key][0], release) for key in order)


# ----- output --------------------------------------------------------------------------


def _hex2(value: int) -> str:
    return f"{value:02x}"


def to_json(explanation: ModemExplanation) -> Dict[str, Any]:
    """One element of the diagnosis contract's ``modems`` array (plus free extra fields)."""
    return {
        "vid": explanation.vid,
        "pid": explanation.pid,
        "vendor": explanation.vendor,
        "model": explanation.model,
        "usb_path": explanation.usb_path,
        "active_config": explanation.active_config,
        "linux_config": explanation.linux_config,
        "family": explanation.family,
        "radio": explanation.radio,
        "chipset": explanation.chipset,
        "form_factor": explanation.form_factor,
        "storage_mode": explanation.storage_mode,
        "artifact": explanation.artifact,
        "configs": [
            {
                "number": config.number,
                "active": config.active,
                "linux_picks": config.linux_picks,
                "data_path": config.data_path,
                "interfaces": [
                    {
                        "number": i.number,
                        "class": _hex2(i.cls),
                        "subclass": _hex2(i.subclass),
                        "protocol": _hex2(i.protocol),
                        "role": i.role,
                        "driver_bound": i.driver_bound,
                        "driver_expected": i.driver_expected,
                        "package": i.package,
                        "alt": i.alt,
                        "role_source": i.role_source,
                        "role_detail": i.role_detail,
                        "driver_rule": i.driver_rule,
                    }
                    for i in config.interfaces
                ],
            }
            for config in explanation.configs
        ],
        "recommended": {
            "data_path": explanation.recommended.data_path,
            "config": explanation.recommended.config,
            "netifd_proto": explanation.recommended.netifd_proto,
            "packages": list(explanation.recommended.packages),
            "unavailable": list(explanation.recommended.unavailable),
            "release": explanation.recommended.release,
            "reason": explanation.recommended.reason,
        },
        "switch": {
            "kind": explanation.switch.kind,
            "commands": list(explanation.switch.commands),
            "usb_mode_json": explanation.switch.usb_mode_json,
            "persistent": explanation.switch.persistent,
            "reason": explanation.switch.reason,
            "caveat": explanation.switch.caveat,
        },
        "mode_command": _mode_command_json(explanation.mode_command),
        "openwrt_wwan": explanation.openwrt_wwan,
        "usb_modeswitch": list(explanation.modeswitch_entries),
        "notes": list(explanation.notes),
        "sources": list(explanation.catalog_sources),
    }


def _mode_command_json(command: Optional[catalog.ModeCommand]) -> Optional[Dict[str, Any]]:
    if command is None:
        return None
    return {"name": command.name, "query": command.query, "set": command.set, "reset": command.reset,
            "unlock": command.unlock, "values": dict(command.values), "persistent": command.persistent,
            "note": command.note, "sources": list(command.sources)}


def render_text(explanations: Tuple[ModemExplanation, ...]) -> str:
    if not explanations:
        return "No modem found in the USB listings.\n"
    out: List[str] = []
    for explanation in explanations:
        title = f"{explanation.vendor} {explanation.model}".strip()
        facts = [f for f in (explanation.radio and explanation.radio.upper(), explanation.form_factor, explanation.chipset) if f]
        out.append(f"{explanation.vid}:{explanation.pid}  {title}" + (f"  ({', '.join(facts)})" if facts else ""))
        if explanation.configs:
            choice = (f"Linux picks {explanation.linux_config} by itself" if explanation.linux_config is not None
                      else "Linux's own choice unknown")
            out.append(f"  USB path {explanation.usb_path or '?'}; active configuration "
                       f"{explanation.active_config if explanation.active_config is not None else 'not shown'}; {choice}")
        else:
            out.append(f"  USB path {explanation.usb_path or '?'}; the listing shows no configurations")
        if explanation.storage_mode:
            out.append(f"  storage (CD-ROM) mode; usb_modeswitch switches it to {', '.join(explanation.modeswitch_targets) or 'another ID'}")
        for config in explanation.configs:
            marks = [m for m, on in (("active", config.active), ("Linux picks it", config.linux_picks)) if on]
            out.append(f"  configuration {config.number}" + (f" [{', '.join(marks)}]" if marks else "")
                       + f": data path {config.data_path}")
            out.append("    if  class     role     bound        expected      package")
            for i in config.interfaces:
                out.append(f"    {i.number:<3} {_hex2(i.cls)}/{_hex2(i.subclass)}/{_hex2(i.protocol)}  {i.role:<8} "
                           f"{(i.driver_bound or '-'):<12} {(i.driver_expected or '-'):<13} {i.package or '-'}")
        rec = explanation.recommended
        out.append(f"  recommended: {rec.data_path}" + (f" in configuration {rec.config}" if rec.config is not None else "")
                   + (f", netifd proto '{rec.netifd_proto}'" if rec.netifd_proto else "") + f" - {rec.reason}")
        if rec.packages:
            out.append(f"  packages: {' '.join(rec.packages)}")
        if explanation.switch.kind != "none":
            out.append(f"  switch ({explanation.switch.kind}): {explanation.switch.reason}")
            for command in explanation.switch.commands:
                out.append(f"    {command}")
        if explanation.openwrt_wwan is None and not explanation.storage_mode:
            out.append(f"  OpenWrt's wwan package has no record for {explanation.vid}:{explanation.pid}")
        for note in explanation.notes:
            out.append(f"  note: {note}")
        out.append("")
    return "\n".join(out)
