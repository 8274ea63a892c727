"""The virtual modem lab: Debian's real 6.1 kernel in QEMU (TCG) with dummy_hcd and
simulated USB modems (configfs, FunctionFS, gadgetfs), judged by the kernel's own
drivers and by qmicli, mbimcli, usb_modeswitch and ModemManager. See docs/lab.md.

Host side: ``rig`` builds the boot material, ``vm`` boots it, ``run_scenario`` ties them.
Guest side (inside the VM): ``guest`` runs a module of ``scenarios``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Dict, List, Optional

#: scenario name -> one line saying what it proves. One module per scenario in scenarios/.
SCENARIOS: Dict[str, str] = {
    "mu609": "Huawei MU609 12d1:1573, two configurations: cdc_ether on config 2, "
             "qmi_wwan + option after switching to config 1, qmicli reads the IMEI; "
             "ModemManager reference timing",
    "mbim": "MBIM modem on gadgetfs bound by cdc_mbim; mbimcli reads the device caps",
    "storage-stick": "Huawei stick 12d1:1f01 as a CD-ROM, switched by usb_modeswitch "
                     "to 12d1:14dc (cdc_ether + option)",
}


def run_scenario(name: str, out: Path, args: Optional[List[str]] = None,
                 timeout: float = 300.0, guest_script: Optional[Path] = None) -> Dict[str, object]:
    """Build (cached) the rig, boot one VM for scenario ``name``, leave outputs in ``out``.

    ``guest_script`` replaces the guest entry point by a Python file (see ``vm.boot``), for
    tests that add steps around a scenario.

    Returns the facts the guest recorded plus a ``vm`` record (QEMU PID, seconds, exit).
    """
    from .rig import LabError, build
    from .vm import boot

    if name not in SCENARIOS:
        raise LabError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    started = time.monotonic()
    rig = build()
    build_seconds = time.monotonic() - started
    out = out.resolve()
    record = boot(rig, out, [name, "/tmp/mdlab/share"] + list(args or []), timeout=timeout,
                  guest_script=guest_script)
    facts_path = out / "facts.json"
    facts: Dict[str, object] = json.loads(facts_path.read_text()) if facts_path.exists() else {}
    record["build_seconds"] = round(build_seconds, 2)
    record["kernel_package"] = rig["package"]
    record["kernel_version"] = rig["version"]
    (out / "run.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    facts["vm"] = record
    return facts
