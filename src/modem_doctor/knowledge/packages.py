"""OpenWrt packages: which kmod ships a kernel driver, which userland and LuCI packages a
netifd protocol needs, the DEPENDS closure, and the commands that install them on each
release (opkg on 23.05 and 24.10, apk from 25.12).

Facts live in ``data/openwrt/packages.json``; each section names the part of
``shared/docs/openwrt-stack.md`` (and through it the OpenWrt Makefiles) it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ..errors import KnowledgeError
from ._data import load_json

RELEASES: Tuple[str, ...] = ("23.05", "24.10", "25.12")
DEFAULT_RELEASE = "24.10"
NETIFD_PROTOS: Tuple[str, ...] = ("qmi", "mbim", "ncm", "3g", "dhcp", "directip", "modemmanager")


@dataclass(frozen=True)
class Release:
    version: str  # "23.05"
    package_manager: str  # "opkg" or "apk"
    kernel: str
    update: str  # "opkg update"
    install: str  # "opkg install"
    list_installed: str
    imagebuilder_archive: str


@dataclass(frozen=True)
class ProtoPackages:
    proto: str
    userland: Tuple[str, ...]
    luci: Optional[str]
    handler: str
    drivers: Tuple[str, ...]
    source: str


def _data() -> Dict[str, Any]:
    return load_json("openwrt/packages.json")


def release_key(version: Optional[str]) -> str:
    """'23.05.5' -> '23.05'; unknown or newer-than-known releases map to the nearest we know
    (snapshots and 26.x use apk like 25.12); None gives the default."""
    if not version:
        return DEFAULT_RELEASE
    text = version.strip().lower()
    for known in RELEASES:
        if text == known or text.startswith(known + ".") or text.startswith(known + "-"):
            return known
    if text in ("snapshot", "main", "master"):
        return RELEASES[-1]
    try:
        major = int(text.split(".")[0])
    except ValueError:
        return DEFAULT_RELEASE
    if major < 23:
        return RELEASES[0]
    return RELEASES[-1] if major >= 25 else DEFAULT_RELEASE


def release(version: Optional[str] = None) -> Release:
    key = release_key(version)
    raw = _data()["releases"][key]
    return Release(
        version=key,
        package_manager=raw["package_manager"],
        kernel=raw["kernel"],
        update=raw["update"],
        install=raw["install"],
        list_installed=raw["list_installed"],
        imagebuilder_archive=raw["imagebuilder_archive"],
    )


def kmod_for_driver(driver: Optional[str]) -> Optional[str]:
    """The OpenWrt package that ships kernel driver ``driver`` (as named in sysfs), or None."""
    if not driver:
        return None
    drivers = _data()["drivers"]
    entry = drivers.get(driver) or drivers.get(driver.replace("-", "_"))
    return entry["package"] if entry else None


def available(package: str, version: Optional[str] = None) -> bool:
    """Whether ``package`` exists in that release (kmod-mtk-t7xx only from 24.10)."""
    entry = _data()["packages"].get(package)
    if entry is None:
        return True  # not tracked: assume the feeds have it
    since = entry.get("since")
    if since is None:
        return True
    return RELEASES.index(release_key(version)) >= RELEASES.index(since)


def is_modem_kmod(package: str) -> bool:
    """Whether ``package`` is a kernel module of the cellular stack this table tracks
    (kmod-usb-serial-option, kmod-usb-net-qmi-wwan, kmod-mhi-*...), not any kmod."""
    return package.startswith("kmod-") and package in _data()["packages"]


def depends(package: str) -> Tuple[str, ...]:
    entry = _data()["packages"].get(package)
    return tuple(entry["depends"]) if entry else ()


def closure(packages: Iterable[str]) -> Tuple[str, ...]:
    """Every package the given ones pull in through DEPENDS, themselves included, in a
    stable order (requested first, then their dependencies breadth-first)."""
    seen: List[str] = []
    queue = list(packages)
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.append(name)
        queue.extend(depends(name))
    return tuple(seen)


def missing(needed: Iterable[str], installed: Iterable[str]) -> Tuple[str, ...]:
    """The packages to install: those ``needed`` that are not installed and are not pulled
    in by another needed package anyway. The package manager resolves the rest."""
    have = set(installed)
    wanted = [name for name in dict.fromkeys(needed) if name not in have]
    pulled: set = set()
    for name in wanted:
        pulled.update(closure([name])[1:])
    return tuple(name for name in wanted if name not in pulled)


def missing_closure(needed: Iterable[str], installed: Iterable[str]) -> Tuple[str, ...]:
    """Every package of the DEPENDS closure of ``needed`` that is not installed."""
    have = set(installed)
    return tuple(name for name in closure(needed) if name not in have)


def proto_packages(proto: str) -> ProtoPackages:
    try:
        raw = _data()["protos"][proto]
    except KeyError:
        raise KnowledgeError(f"unknown netifd protocol {proto!r}; known: {', '.join(NETIFD_PROTOS)}") from None
    return ProtoPackages(
        proto=proto,
        userland=tuple(raw["userland"]),
        luci=raw.get("luci"),
        handler=raw["handler"],
        drivers=tuple(raw["drivers"]),
        source=raw["source"],
    )


def protos_for_data_path(data_path: str) -> Tuple[str, ...]:
    """netifd protocols that can drive a data path, the OpenWrt-native one first."""
    return tuple(_data()["data_path_protos"].get(data_path, ()))


def install_commands(packages: Iterable[str], version: Optional[str] = None) -> Tuple[str, ...]:
    """The shell commands that install ``packages`` on that release."""
    names = [name for name in dict.fromkeys(packages) if available(name, version)]
    if not names:
        return ()
    rel = release(version)
    return (rel.update, f"{rel.install} {' '.join(names)}")


def imagebuilder_board(board_name: str) -> Optional[Dict[str, str]]:
    """Image Builder target and profile for a board name from ``ubus call system board``."""
    boards = _data()["imagebuilder"]["boards"]
    entry = boards.get(board_name) or boards.get(board_name.replace("_", ",", 1))
    return dict(entry) if entry else None


@dataclass(frozen=True)
class ImageBuild:
    """How to build a firmware image with the packages already inside (for a router whose
    only uplink is the modem that needs them)."""

    profile: str
    target: str
    archive: str
    download: str
    commands: Tuple[str, ...]
    firmware_selector: str
    asu_api: str


def imagebuilder(board_name: str, packages_wanted: Iterable[str], version: str) -> Optional[ImageBuild]:
    """Image Builder commands for a board (``ubus call system board`` board_name) and a full
    release version such as '23.05.5'; None when the board is not in the table."""
    board = imagebuilder_board(board_name)
    if board is None:
        return None
    raw = _data()["imagebuilder"]
    rel = release(version)
    target, _, subtarget = board["target"].partition("/")
    archive = raw["archive"].format(version=version, target=target, subtarget=subtarget, ext=rel.imagebuilder_archive)
    download = raw["download"].format(version=version, target=target, subtarget=subtarget, archive=archive)
    names = " ".join(name for name in dict.fromkeys(packages_wanted) if available(name, version))
    unpack = "tar -xJf" if archive.endswith(".tar.xz") else "tar --zstd -xf"
    folder = archive[: -len("." + rel.imagebuilder_archive)]
    commands = (
        f"wget {download}",
        f"{unpack} {archive}",
        f"cd {folder}",
        raw["make"].format(profile=board["profile"], packages=names),
    )
    return ImageBuild(board["profile"], board["target"], archive, download, commands,
                      raw["firmware_selector"], raw["asu_api"])
