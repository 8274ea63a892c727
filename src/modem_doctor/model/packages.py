"""Packages: what is installed, and what the package manager said went wrong.

OpenWrt up to 24.10 uses opkg (``opkg list-installed`` prints ``name - version``);
25.12 and snapshots use apk (``apk list --installed`` prints
``name-version arch {origin} (license) [installed]``). Both lists become a
``PackageList``. The output of ``opkg update`` / ``opkg install`` (and ``apk add``)
becomes ``PackageProblem`` values: download failures, unsatisfiable dependencies,
kernel mismatches, architecture mismatches, unknown packages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple


class PackageManager(str, enum.Enum):
    OPKG = "opkg"
    APK = "apk"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    line: int = 0
    arch: str = ""  # apk only: 'x86_64', 'aarch64_cortex-a53'
    origin: str = ""  # apk only: source package path '{feeds/base/system/rpcd}'
    license: str = ""  # apk only


@dataclass(frozen=True)
class PackageList:
    manager: PackageManager
    packages: Tuple[Package, ...] = ()

    def get(self, name: str) -> Optional[Package]:
        for package in self.packages:
            if package.name == name:
                return package
        return None

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(package.name for package in self.packages)

    @property
    def kernel_version(self) -> str:
        """The kernel the installed kmods belong to: '5.15.137-1-<hash>' (opkg) or the kmod version."""
        kernel = self.get("kernel")
        if kernel is not None:
            return kernel.version
        for package in self.packages:
            if package.name.startswith("kmod-"):
                return package.version
        return ""


class ProblemKind(str, enum.Enum):
    DOWNLOAD_FAILED = "download_failed"  # *** Failed to download the package list from URL
    NETWORK_ERROR = "network_error"  # wget returned 4 / Failed to establish connection / apk network error
    SIGNATURE_FAILED = "signature_failed"  # Signature check failed / UNTRUSTED signature
    UNSATISFIED_DEPENDENCY = "unsatisfied_dependency"  # Cannot satisfy the following dependencies for X
    KERNEL_MISMATCH = "kernel_mismatch"  # the unsatisfied dependency is kernel (= 5.15.137-1-<hash>)
    ARCH_INCOMPATIBLE = "arch_incompatible"  # found, but incompatible with the architectures configured
    UNKNOWN_PACKAGE = "unknown_package"  # Unknown package 'x' / x (no such package)
    INSTALL_FAILED = "install_failed"  # opkg_install_cmd: Cannot install package X
    NO_SPACE = "no_space"  # Only have 0kb available on filesystem /overlay
    FILE_CLASH = "file_clash"  # check_data_file_clashes
    MALFORMED_PACKAGE = "malformed_package"  # pkg_init_from_file: Malformed package file
    SCRIPT_FAILED = "script_failed"  # postinst script returned status N
    OTHER = "other"  # any other 'Collected errors' / 'ERROR:' line


@dataclass(frozen=True)
class PackageProblem:
    kind: ProblemKind
    package: str  # the package the problem is about ('' when about a feed)
    detail: str  # what matters: the dependency, the URL, the file
    line: int
    text: str = ""  # the original line
    dependency: str = ""  # 'kernel (= 5.4.143-1-81b5fa8a3bdde9109c65df5b7a2d086e)'
    url: str = ""  # feed or package URL for download problems


@dataclass(frozen=True)
class PackageAction:
    """A package the manager installed, configured, or found already installed."""

    action: str  # 'installing', 'upgrading', 'configuring', 'up_to_date', 'removing'
    package: str
    version: str = ""
    line: int = 0


@dataclass(frozen=True)
class PackageOutput:
    """What one run of ``opkg update`` / ``opkg install`` / ``apk add`` printed."""

    manager: PackageManager
    problems: Tuple[PackageProblem, ...] = ()
    actions: Tuple[PackageAction, ...] = ()
    feeds_updated: Tuple[str, ...] = ()  # feed names of 'Updated list of available packages in ...'
    downloads: Tuple[str, ...] = ()  # URLs of 'Downloading URL'

    def problems_of(self, *kinds: ProblemKind) -> Tuple[PackageProblem, ...]:
        wanted = set(kinds)
        return tuple(problem for problem in self.problems if problem.kind in wanted)
