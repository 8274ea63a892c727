"""DRV002 kmod-kernel-mismatch

## What it detects
A kernel module of the modem stack that does not fit the running kernel, seen two ways:

- opkg or apk refuses a modem kmod because of its kernel dependency
  (``Cannot satisfy the following dependencies for kmod-usb-serial: kernel (= ...)``,
  ``found, but incompatible with the architectures configured`` for a kmod,
  apk ``breaks: kmod-...[kernel=...]``);
- the kmod is installed (package list, or the user says so) while the interface it
  should drive stays ``Driver=(none)``, the driver binds nothing on the host and no
  ``registered new interface driver`` line shows it loaded, although Linux 6.1's table
  knows the modem's ID.

## Why it matters
A kmod is built for one exact kernel build. One from another build (a snapshot feed, a
"force-depends" install, a copied .ipk) does not load, so the package is listed but
nothing binds. An old release's kernel may simply predate the modem's ID, and an ID
added by hand with ``new_id`` misses the quirks (such as the DTR quirk) the driver's
table entry carries.

## Evidence
The package manager's error line; or the unbound ``I:`` lines with the package list line
(or the sentence) that shows the kmod installed.

## Fix
Install kmods only from the feed of the exact running build (same release and
revision), or build an image that contains them; never force the kernel dependency.
If the release is too old for the modem, upgrade to one whose driver knows the ID.
"""

from __future__ import annotations

from typing import Dict, Iterator, List

from ..knowledge import packages
from ..model.findings import Finding, Severity
from ..model.packages import ProblemKind
from ..model.usb import DriverState, UsbInterface
from . import Rule
from .context import Context
from .drv001_driver_package_missing import INSTALLED, STATED, active_view, driver_presence, unbound


def check(ctx: Context) -> Iterator[Finding]:
    yield from _refused(ctx)
    yield from _installed_but_unbound(ctx)


# opkg reports a kmod whose kernel dependency cannot be met either way: 'Cannot satisfy the
# following dependencies ... kernel (= ...)' or '... found, but incompatible with the
# architectures configured' (what it prints for a kmod of another kernel build).
REFUSALS = (ProblemKind.KERNEL_MISMATCH, ProblemKind.ARCH_INCOMPATIBLE)


def _refused(ctx: Context) -> Iterator[Finding]:
    seen = set()
    for item in ctx.host.package_problems:
        for problem in getattr(item.value, "problems", ()):
            if problem.kind not in REFUSALS or not packages.is_modem_kmod(problem.package):
                continue
            if problem.package in seen:
                continue  # one finding per package; the first refusal line is cited
            seen.add(problem.package)
            release = ctx.release
            where = f"OpenWrt {release}" if release else "the running firmware"
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR,
                title=f"{problem.package} does not fit the running kernel: the package manager refused it",
                evidence=(ctx.cite(item.artifact, problem.line, problem.text or None),),
                why=(f"{problem.package} needs {problem.dependency or 'another kernel build'}, which is not the "
                     "kernel running here. Kernel modules only load into the exact build they were compiled for, so "
                     "forcing the install leaves a listed package whose driver never binds."),
                fix=(f"Install it from the package feed of {where} (same release and revision as the installed "
                     "kernel package), or build an image that contains it; do not use --force-depends."),
                modem=None,
                rule=RULE.name,
            )


def _installed_but_unbound(ctx: Context) -> Iterator[Finding]:
    for modem in ctx.modems:
        state = active_view(modem)
        if state is None:
            continue
        artifact, device, config, views = state
        bound = {i.driver for i in config.interfaces if i.driver_state is DriverState.BOUND}
        waiting: Dict[str, List[UsbInterface]] = {}
        for iface in unbound(config):
            driver = getattr(views.get(iface.number), "driver_expected", None)
            if driver and driver not in bound:
                waiting.setdefault(str(driver), []).append(iface)
        for driver, ifaces in waiting.items():
            package = packages.kmod_for_driver(driver)
            presence, shown = driver_presence(ctx, driver, package)
            if presence not in (INSTALLED, STATED):
                continue  # loaded elsewhere (DRV004 partial) or not installed (DRV001/DRV004)
            numbers = [i.number for i in ifaces]
            kernel = ctx.kernel
            yield Finding(
                code=RULE.code,
                severity=Severity.ERROR,
                title=(f"{modem.label}: {package} is installed but {driver} binds nothing, "
                       f"interface {', '.join(map(str, numbers))} stays without a driver"),
                evidence=ctx.cite_config(artifact, config, numbers) + shown,
                why=(f"Linux 6.1's {driver} table knows {modem.explanation.vid}:{modem.explanation.pid}, yet "
                     f"nothing shows {driver} loaded. Either the installed kmod belongs to another kernel build "
                     "(it then fails to load), or the running kernel"
                     + (f" ({kernel})" if kernel else "") + " predates this ID in the driver."),
                fix=(f"Check: lsmod | grep {driver}; dmesg | grep -i {driver}. Reinstall {package} from the feed of "
                     "the running build (or build an image with it); if the kernel is too old for the ID, upgrade "
                     "the release. new_id is only a stop-gap: it misses the quirks the table entry carries."),
                modem=modem.key,
                rule=RULE.name,
            )


RULE = Rule(
    code="DRV002",
    name="kmod-kernel-mismatch",
    severity=Severity.ERROR,
    summary="a modem kmod does not fit the running kernel (refused, or installed but not binding)",
    check=check,
)
