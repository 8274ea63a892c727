"""What every rule reads: the host model plus what the knowledge base says about each
modem in it. Built once per diagnosis; rules never run anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from ..knowledge import packages
from ..knowledge.explain import ModemExplanation, explain_host
from ..model.common import Evidence
from ..model.host import Host
from ..model.usb import UsbConfig, UsbDevice

_ROOT_HUB_KERNEL = re.compile(r"^Linux (\d+\.\d+(?:\.\d+)?)\S* [\w-]+$")


@dataclass(frozen=True)
class ModemFacts:
    """One modem: the knowledge base's explanation and every listing that shows it."""

    explanation: ModemExplanation
    sightings: Tuple[Tuple[str, UsbDevice], ...]  # (artifact id, device) in reading order

    @property
    def key(self) -> str:
        """'12d1:1573@1-1.2': names the modem in findings."""
        e = self.explanation
        return f"{e.vid}:{e.pid}@{e.usb_path}" if e.usb_path else f"{e.vid}:{e.pid}"

    @property
    def label(self) -> str:
        e = self.explanation
        name = " ".join(part for part in (e.vendor, e.model) if part)
        return f"{name} ({e.vid}:{e.pid})" if name else f"{e.vid}:{e.pid}"

    @property
    def first(self) -> Tuple[str, UsbDevice]:
        """The first listing that shows the modem: its state before the user changed anything."""
        return self.sightings[0]

    @property
    def last(self) -> Tuple[str, UsbDevice]:
        """The last listing that shows the modem: its latest known state."""
        return self.sightings[-1]

    @property
    def current_config(self) -> Optional[int]:
        """The active configuration in the latest listing that can show one (lsusb -v
        cannot), or None when no listing says."""
        for _, device in reversed(self.sightings):
            if device.active_config is not None and device.listing_format.value != "lsusb-v":
                return device.active_config.number
        return None

    @property
    def first_config(self) -> Optional[int]:
        """The active configuration in the first listing that can show one."""
        for _, device in self.sightings:
            if device.active_config is not None and device.listing_format.value != "lsusb-v":
                return device.active_config.number
        return None


@dataclass(frozen=True)
class Context:
    host: Host
    modems: Tuple[ModemFacts, ...]

    @property
    def release(self) -> Optional[str]:
        """The OpenWrt release ('23.05.2', '24.10', 'snapshot') when the input tells it."""
        return self.host.release()

    @property
    def kernel(self) -> Optional[str]:
        """The running kernel's version: from uname/board output, else from the root
        hubs of a USB listing, which name it ('Manufacturer=Linux 5.15.137 ehci_hcd')."""
        shown = self.host.kernel_version()
        if shown:
            return shown
        for _, device in self.host.usb_devices():
            match = _ROOT_HUB_KERNEL.match(device.manufacturer or "")
            if device.vendor_id == 0x1D6B and match:
                return match.group(1)
        return None

    @property
    def release_series(self) -> Optional[str]:
        """'23.05', '24.10', '25.12' or 'snapshot': told by the input, else inferred from
        the kernel version, since each OpenWrt release series ships one kernel series."""
        told = self.host.release_series()
        if told:
            return told
        kernel = self.kernel
        if kernel:
            for series in packages.RELEASES:
                prefix = packages.release(series).kernel
                if kernel == prefix or kernel.startswith(prefix + "."):
                    return series
        return None

    @property
    def release_inferred(self) -> bool:
        """True when ``release_series`` comes from the kernel version, not from the input."""
        return self.host.release_series() is None and self.release_series is not None

    def config_now(self, modem: ModemFacts) -> Optional[int]:
        """The configuration the modem is in now: the latest listing's, unless the user says
        after that listing that the switch reverts at reboot (then the one Linux picks)."""
        current = modem.current_config
        last_line = max((device.last_line for _, device in modem.sightings), default=0)
        for fact in self.host.facts_of("reboot_reverts"):
            if fact.line > last_line and modem.explanation.linux_config is not None:
                return modem.explanation.linux_config
        return current

    def line_text(self, artifact_id: str, number: int) -> str:
        """The text of one line of the user's input, as it was read."""
        return self.host.line_text(artifact_id, number)

    def cite(self, artifact_id: str, number: int, text: Optional[str] = None) -> Evidence:
        """Evidence for one line; ``text`` when the caller already has it."""
        return Evidence(artifact_id, number, text if text is not None else self.line_text(artifact_id, number))

    def cite_config(self, artifact_id: str, config: UsbConfig, interfaces: Iterable[int] = ()) -> Tuple[Evidence, ...]:
        """The C: line of a configuration and the I: lines of the named interfaces."""
        wanted = set(interfaces)
        lines = [self.cite(artifact_id, config.line)] if config.line else []
        for iface in config.interfaces:
            if iface.number in wanted and iface.line:
                lines.append(self.cite(artifact_id, iface.line))
        return tuple(lines)


def build_context(host: Host) -> Context:
    """Explain every modem of the host and collect all listings that show each one."""
    explanations = explain_host(host)
    modems = []
    for explanation in explanations:
        sightings = tuple(
            (artifact_id, device)
            for artifact_id, device in host.usb_devices(f"{explanation.vid}:{explanation.pid}")
            if not explanation.usb_path or not device.path or device.path == explanation.usb_path
        )
        modems.append(ModemFacts(explanation, sightings))
    return Context(host, tuple(modems))
