"""Diagnosis speed and memory, printed as figures (issue 4 aims in brackets):

- cold start of `modem-doctor diagnose --example we826-mu609` in a fresh process (<= 0.3 s)
- diagnoses per second over the USB corpus in one process (>= 500)
- peak memory (max RSS) of that process (<= 40 MB)

Run: python benchmarks/diagnose_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "usb-listings"

_CORPUS_LOOP = r"""
import resource, sys, time
from pathlib import Path
from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_text
texts = [p.read_text(errors="replace") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
start = time.perf_counter()
count = 0
for text in texts:
    diagnose(load_text(text, "corpus")).to_json()
    count += 1
elapsed = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(count, elapsed, peak_kb)
"""


def cold_start(runs: int) -> float:
    times = []
    command = [sys.executable, "-m", "modem_doctor", "diagnose", "--example", "we826-mu609"]
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    median = cold_start(args.runs)
    print(f"cold start, diagnose --example we826-mu609: median {median:.3f} s over {args.runs} runs (aim <= 0.3 s)")
    out = subprocess.run([sys.executable, "-c", _CORPUS_LOOP, str(CORPUS)], capture_output=True, text=True, check=True)
    count, elapsed, peak_kb = out.stdout.split()
    rate = int(count) / float(elapsed)
    print(f"corpus: {count} listings diagnosed in {float(elapsed):.2f} s = {rate:.0f} diagnoses/s (aim >= 500)")
    print(f"peak memory (max RSS) of that process: {int(peak_kb) / 1024:.1f} MB (aim <= 40 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
