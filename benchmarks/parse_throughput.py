#!/usr/bin/env python3
"""Parse throughput over the real USB listing corpus, in one process.

Each corpus file names its format in a ``# format:`` header line (``debugfs`` or
``usb-devices``); the benchmark picks the parser from it, hands it the listing's lines
(header left out, original line numbers kept) and counts listings parsed per second.
Reading the files and numbering lines happens once, outside the timed loop.

    python benchmarks/parse_throughput.py [--rounds N] [--corpus DIR]

Aim (issue 2): at least 2,000 listings/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from modem_doctor.model.common import Line, number_lines  # noqa: E402
from modem_doctor.parse import parser_module  # noqa: E402

DEFAULT_CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "usb-listings"
KIND_OF_FORMAT = {"debugfs": "usb_debugfs", "usb-devices": "usb_devices"}
AIM = 2000.0


def load(corpus: Path) -> List[Tuple[str, Callable[[Sequence[Line]], object], List[Line]]]:
    """(file name, parse_lines of its format, listing lines) for every corpus file."""
    jobs = []
    for path in sorted(corpus.glob("*.txt")):
        lines = number_lines(path.read_text(encoding="utf-8"))
        fmt = ""
        for line in lines:
            if line.text.startswith("# format:"):
                fmt = line.text.split(":", 1)[1].strip()
                break
        kind = KIND_OF_FORMAT.get(fmt)
        if kind is None:
            raise SystemExit(f"{path.name}: unknown '# format: {fmt}'")
        body = [line for line in lines if not line.text.startswith("# ")]
        jobs.append((path.name, parser_module(kind).parse_lines, body))
    return jobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus (default 20)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    jobs = load(args.corpus)
    if not jobs:
        raise SystemExit(f"no listings in {args.corpus}")
    lines_per_pass = sum(len(body) for _name, _parse, body in jobs)
    for _name, parse, body in jobs:  # warm-up: imports, regex compilation
        parse(body)

    timings = []
    cpu_start = time.process_time()
    for _ in range(max(1, args.rounds)):
        start = time.perf_counter()
        for _name, parse, body in jobs:
            parse(body)
        timings.append(time.perf_counter() - start)
    # CPU time is steadier than wall time when other jobs share the cores
    cpu = (time.process_time() - cpu_start) / len(timings)

    best = min(timings)
    mean = sum(timings) / len(timings)
    print(f"corpus: {len(jobs)} listings, {lines_per_pass} lines, {args.corpus}")
    print(f"rounds: {len(timings)}, one process, Python {sys.version.split()[0]}")
    print(f"best pass: {best * 1000:.1f} ms -> {len(jobs) / best:,.0f} listings/s, {lines_per_pass / best:,.0f} lines/s")
    print(f"mean pass: {mean * 1000:.1f} ms -> {len(jobs) / mean:,.0f} listings/s")
    print(f"CPU time per pass: {cpu * 1000:.1f} ms -> {len(jobs) / cpu:,.0f} listings per CPU second")
    print(f"aim: {AIM:,.0f} listings/s -> {'met' if len(jobs) / mean >= AIM else 'NOT met'} (mean)")
    others(args.rounds)
    return 0


def others(rounds: int) -> None:
    """For information: the other real USB fixtures (lsusb, lsusb -t, lsusb -v, threads),
    each parsed whole with the parser ``detect_usb_format`` picks."""
    from modem_doctor.parse._usb_common import detect_usb_format

    by_kind: Dict[str, List[List[Line]]] = {}
    for path in sorted((ROOT / "tests" / "fixtures" / "usb").iterdir()):
        if path.name == "SOURCE.md" or not path.is_file():
            continue
        lines = list(number_lines(path.read_text(encoding="utf-8")))
        kind = detect_usb_format(lines)
        if kind is not None:
            by_kind.setdefault(kind, []).append(lines)
    for kind, texts in sorted(by_kind.items()):
        parse = parser_module(kind).parse_lines
        count = sum(len(lines) for lines in texts)
        start = time.perf_counter()
        for _ in range(max(1, rounds)):
            for lines in texts:
                parse(lines)
        elapsed = (time.perf_counter() - start) / max(1, rounds)
        print(f"  {kind:14} {len(texts):2} file(s), {count:5} lines: {count / elapsed:,.0f} lines/s")


if __name__ == "__main__":
    raise SystemExit(main())
