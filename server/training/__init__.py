"""Training jobs: the TrainingService servicer, its job store, dataset building and the publish rule.

The heavy part (transformers + peft) lives in the separate `trainer/` worker, which reaches this service
only over gRPC; nothing here imports torch.
"""

from __future__ import annotations

from server.training.dataset import BuiltDataset, Selection, build
from server.training.hyperparams import Hyperparameters
from server.training.jobs import JobEvent, JobRecord, JobStore
from server.training.verdict import Verdict, decide

__all__ = [
    "BuiltDataset",
    "Hyperparameters",
    "JobEvent",
    "JobRecord",
    "JobStore",
    "Selection",
    "Verdict",
    "build",
    "decide",
]
