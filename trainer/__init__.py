"""The trainer worker: lease training jobs over gRPC, train LoRA adapters, verify them before/after.

Importing this package is cheap: torch, transformers and peft load inside `trainer.runtime` functions, when
a job actually runs.
"""

from __future__ import annotations

from trainer.backends import Backend, LauncherBackend, LocalBackend
from trainer.job import Outcome, run_job
from trainer.rediagnose import EngineRediagnoser, Rediagnoser, ValidatorRediagnoser
from trainer.spec import Hyper, JobSpec
from trainer.worker import Worker

__all__ = [
    "Backend",
    "EngineRediagnoser",
    "Hyper",
    "JobSpec",
    "LauncherBackend",
    "LocalBackend",
    "Outcome",
    "Rediagnoser",
    "ValidatorRediagnoser",
    "Worker",
    "run_job",
]
