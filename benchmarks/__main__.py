"""Run every benchmark module in this folder that defines ``main()``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def run() -> int:
    here = Path(__file__).parent
    names = [m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")]
    wanted = sys.argv[1:]
    for name in sorted(names):
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
