"""Run D2I's 903 validator (`csc-validator-be-903`, MIT) over 903 CSVs and time it: the
comparison `make bench` draws with Assure's own dry run (docs/bench.md, decision 0007).

Assure does not depend on the validator. This file imports nothing from Assure or Django,
so that it runs under a separate interpreter that has the validator installed:

    python3 -m venv /tmp/d2i && /tmp/d2i/bin/pip install csc-validator-be-903
    /tmp/d2i/bin/python assure/imports/d2i_driver.py --year 2024 header.csv episodes.csv

It prints one JSON object: seconds (wall and CPU), peak memory, rules run, and rows flagged.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder would come first on the path, and its modules (selectors.py)
# would hide the standard library's from the validator.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="d2i_driver")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--year", type=int, required=True, help="collection year, by its end")
    parser.add_argument("--ruleset", default="", help="e.g. lac2024_25 (default: the year's)")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO

    started, cpu = time.perf_counter(), time.process_time()
    from lac_validator import lac_validator
    from lac_validator.utils import process_uploaded_files

    ruleset = args.ruleset or f"lac{args.year - 1}_{args.year % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = process_uploaded_files({"This year": list(args.files)})
    validator = lac_validator.LacValidator(
        metadata={"collectionYear": str(args.year), "localAuthority": "E09000017"},
        files=files,
        registry=registry,
        selected_rules=None,
    )
    flagged = 0
    for frame in validator.ds_results.values():
        if hasattr(frame, "columns"):
            flags = [c for c in frame.columns if str(c).startswith("ERR_")]
            if flags:
                flagged += int(frame[flags].fillna(False).astype(bool).any(axis=1).sum())
    report = {
        "ruleset": ruleset,
        "rules": len(registry),
        "rules_run": len(validator.dones),
        "rules_skipped": len(validator.skips),
        "rules_failed": len(validator.fails),
        "rows_flagged": flagged,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
