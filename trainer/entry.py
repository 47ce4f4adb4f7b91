"""`python -m trainer.entry JOB_DIR`: run one job from files, for launchers and cluster backends.

Reads JOB_DIR/job.json (spec, dataset, dataset hash, judge), appends events to JOB_DIR/events.jsonl, stops
when JOB_DIR/CANCEL appears, and writes JOB_DIR/outcome.json. Only rank 0 writes files.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from trainer import rediagnose
from trainer.job import run_job
from trainer.spec import JobSpec


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m trainer.entry JOB_DIR", file=sys.stderr)
        return 2
    job_dir = Path(args[0])
    job = json.loads((job_dir / "job.json").read_text())
    rank0 = int(os.environ.get("RANK", "0")) == 0
    events = job_dir / "events.jsonl"

    def report(body: dict[str, Any]) -> None:
        if rank0:
            with events.open("a") as fh:
                fh.write(json.dumps(body, default=str) + "\n")

    outcome = run_job(JobSpec.from_dict(job["spec"]), job["dataset"], job["dataset_hash"], job_dir, report,
                      lambda: (job_dir / "CANCEL").exists(), rediagnose.make(job.get("judge", "validators")))
    if rank0:
        tmp = job_dir / "outcome.json.tmp"
        tmp.write_text(json.dumps(outcome.to_dict(), default=str))
        tmp.rename(job_dir / "outcome.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
