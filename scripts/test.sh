#!/usr/bin/env bash
# The project's test command (README "Run the tests"): installs the package with its dev
# extras into the current Python and runs the whole suite, lab scenarios included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e '.[dev]'
python3 -m pytest -q "$@"
