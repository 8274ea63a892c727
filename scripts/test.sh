#!/usr/bin/env bash
# The project's test command (README "Run the tests"): installs the package with its dev
# extras into the current Python and runs the whole suite, lab scenarios included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e '.[dev]'
# Fetch Debian's kernel and build the lab's initramfs once (cached in .lab-cache/): the lab
# tests boot it, and the kernel-table test cross-checks the module aliases in it.
python3 -m modem_doctor.lab build >/dev/null 2>&1 || echo "note: the lab rig could not be built; lab tests will skip"
python3 -m pytest -q "$@"
