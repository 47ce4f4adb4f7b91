"""What a worker knows about one job: the base model and the resolved hyperparameters, as plain data.

The server resolves every `auto` hyperparameter before a job is queued; the worker reads them from the
leased `TrainingJob` and never changes them, so the manifest records exactly what ran.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Hyper:
    """Resolved hyperparameters (see server/training/hyperparams.py for the meaning and the auto rules)."""

    epochs: int = 3
    learning_rate: float = 2e-4
    batch_size: int = 4
    max_length: int = 512
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = ("all-linear",)
    seed: int = 42
    eval_fraction: float = 0.25
    regression_threshold: float = 0.05
    max_new_tokens: int = 128
    checkpoint_every: int = 20
    max_steps: int = 0
    regression_examples: int = 16
    gradient_accumulation: int = 1
    replay: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["target_modules"] = list(self.target_modules)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hyper:
        names = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in names}
        if "target_modules" in values:
            values["target_modules"] = tuple(values["target_modules"]) or ("all-linear",)
        for name in ("epochs", "batch_size", "max_length", "lora_r", "lora_alpha", "seed", "max_new_tokens", "checkpoint_every",
                     "max_steps", "regression_examples", "gradient_accumulation", "replay"):
            if name in values:
                values[name] = int(values[name])
        return cls(**values)


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    base_model: str
    backend: str
    hyper: Hyper
    subtypes: tuple[str, ...] = ()
    """The selected (trained) behavior subtypes; empty means every one."""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "base_model": self.base_model, "backend": self.backend,
                "hyper": self.hyper.to_dict(), "subtypes": list(self.subtypes), "extra": self.extra}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> JobSpec:
        return cls(d["job_id"], d["base_model"], d.get("backend", "local"), Hyper.from_dict(d["hyper"]),
                   tuple(d.get("subtypes") or ()), dict(d.get("extra") or {}))
