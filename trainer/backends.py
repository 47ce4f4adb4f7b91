"""Where a job's training runs: the backend seam between the worker and `run_job`.

- `LocalBackend` (default): `run_job` in the worker process; one CPU or one GPU.
- `LauncherBackend`: the same entry point under an existing multi-GPU launcher, `accelerate launch` or
  `torchrun`, as `python -m trainer.entry JOB_DIR`. The child writes events to JOB_DIR/events.jsonl and its
  result to JOB_DIR/outcome.json; the worker relays the events over gRPC and asks the child to stop by
  creating JOB_DIR/CANCEL. A cluster backend (Ray Jobs, a Kubernetes Job) plugs in the same way: submit
  the entry point with JOB_DIR on shared storage, tail the same two files (deploy/TRAINING.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol

from trainer.job import Outcome, run_job
from trainer.rediagnose import Rediagnoser
from trainer.spec import JobSpec

Report = Callable[[dict[str, Any]], None]
StopCheck = Callable[[], bool]


class Backend(Protocol):
    name: str

    def run(self, spec: JobSpec, dataset: Mapping[str, Any], dataset_hash: str, job_dir: Path,
            report: Report, should_stop: StopCheck) -> Outcome:
        ...


class LocalBackend:
    name = "local"

    def __init__(self, judge: Rediagnoser, force_cpu: bool = False, gradient_checkpointing: bool = True):
        self.judge = judge
        self.force_cpu = force_cpu
        self.gradient_checkpointing = gradient_checkpointing

    def run(self, spec: JobSpec, dataset: Mapping[str, Any], dataset_hash: str, job_dir: Path,
            report: Report, should_stop: StopCheck) -> Outcome:
        return run_job(spec, dataset, dataset_hash, job_dir, report, should_stop, self.judge,
                       self.force_cpu, self.gradient_checkpointing)


def launcher_command(kind: str, processes: int, job_dir: Path) -> list[str]:
    """The command line that starts `trainer.entry` under `kind` with `processes` ranks."""
    if kind == "accelerate":
        return [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(processes),
                "-m", "trainer.entry", str(job_dir)]
    if kind == "torchrun":
        return [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", str(processes),
                "-m", "trainer.entry", str(job_dir)]
    raise ValueError(f"unknown launcher {kind!r}")


class LauncherBackend:
    """Run `trainer.entry` under accelerate/torchrun and relay its files; also the model for cluster backends."""

    def __init__(self, kind: str, processes: int, judge_kind: str = "validators", poll_seconds: float = 0.5):
        self.name = kind
        self.processes = processes
        self.judge_kind = judge_kind
        self.poll_seconds = poll_seconds

    def run(self, spec: JobSpec, dataset: Mapping[str, Any], dataset_hash: str, job_dir: Path,
            report: Report, should_stop: StopCheck) -> Outcome:
        job_dir.mkdir(parents=True, exist_ok=True)
        for stale in ("events.jsonl", "outcome.json", "CANCEL"):
            (job_dir / stale).unlink(missing_ok=True)
        (job_dir / "job.json").write_text(json.dumps(
            {"spec": spec.to_dict(), "dataset": dataset, "dataset_hash": dataset_hash, "judge": self.judge_kind}))
        proc = subprocess.Popen(launcher_command(self.name, self.processes, job_dir))
        offset = 0
        try:
            while True:
                offset = self._relay(job_dir / "events.jsonl", offset, report)
                if proc.poll() is not None:
                    break
                if should_stop():
                    (job_dir / "CANCEL").touch()
                time.sleep(self.poll_seconds)
            self._relay(job_dir / "events.jsonl", offset, report)
        finally:
            if proc.poll() is None:
                proc.kill()
        if proc.returncode != 0 or not (job_dir / "outcome.json").exists():
            raise RuntimeError(f"{self.name} exited with {proc.returncode} and no outcome")
        return Outcome.from_dict(json.loads((job_dir / "outcome.json").read_text()))

    @staticmethod
    def _relay(path: Path, offset: int, report: Report) -> int:
        if not path.exists():
            return offset
        with path.open("rb") as fh:
            fh.seek(offset)
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # a line still being written; read it next time
                offset += len(line)
                report(json.loads(line))
        return offset


def make(kind: str, judge: Rediagnoser, judge_kind: str, processes: int = 1, force_cpu: bool = False,
         gradient_checkpointing: bool = True) -> Backend:
    if kind in ("", "local"):
        return LocalBackend(judge, force_cpu, gradient_checkpointing)
    return LauncherBackend(kind, processes, judge_kind)
