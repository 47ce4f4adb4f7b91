"""Training hyperparameters: what a client may leave as `auto`, the rule that resolves each one, and bounds.

A job stores and echoes the resolved values, so the manifest next to an adapter says exactly what ran. The
`auto` rules look only at the dataset (its size and estimated lengths): the server resolves them without a
tokenizer or a GPU, and the worker never changes them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping

from classifiers.records import FieldViolation
from server.errors import InvalidArgument

# Bounds for explicit values: (low, high, inclusive-low). A value outside gets a field violation.
_BOUNDS: dict[str, tuple[float, float, bool]] = {
    "epochs": (1, 100, True),
    "learning_rate": (0.0, 1.0, False),
    "batch_size": (1, 1024, True),
    "max_length": (16, 32768, True),
    "lora_r": (1, 1024, True),
    "lora_alpha": (0.0, 1e6, False),
    "lora_dropout": (0.0, 0.99, True),
    "seed": (0, 2**31 - 1, True),
    "eval_fraction": (0.0, 0.9, False),
    "regression_threshold": (0.0, 1.0, True),
    "max_new_tokens": (1, 4096, True),
    "checkpoint_every": (1, 1_000_000, True),
    "max_steps": (0, 1_000_000, True),
    "regression_examples": (0, 1000, True),
    "gradient_accumulation": (1, 1024, True),
    "replay": (0, 10_000, True),
}

REPLAY_RATIO = 0.5
"""`auto` replay: about one replay example for every two training examples (a third of the mix), enough to
pin the base behaviour outside the trained one without diluting the fix (see server/training/replay.py)."""

TARGET_STEPS = 96
"""`auto` epochs aim at about this many optimizer steps: enough for LoRA to move, few enough for a CPU."""


@dataclass(frozen=True)
class Hyperparameters:
    """Resolved hyperparameters of one job (every field set)."""

    epochs: int = 3
    """Passes over the training split."""
    learning_rate: float = 2e-4
    """Peak AdamW learning rate (linear warm-up over 5% of steps, then linear decay)."""
    batch_size: int = 4
    """Examples per forward pass."""
    max_length: int = 512
    """Tokens of prompt + completion; longer examples are reported and left out, never cut."""
    lora_r: int = 16
    """LoRA rank."""
    lora_alpha: int = 32
    """LoRA scaling numerator (the update is scaled by alpha / r)."""
    lora_dropout: float = 0.05
    """Dropout on the LoRA input."""
    target_modules: tuple[str, ...] = ("all-linear",)
    """Module names LoRA wraps; "all-linear" is peft's every-linear-layer-but-the-head."""
    seed: int = 42
    """Seeds the split-independent parts: init of LoRA weights, data order, dropout."""
    eval_fraction: float = 0.25
    """Share of cases held out (by case) to verify the adapter on failures it never saw."""
    regression_threshold: float = 0.05
    """Largest allowed rise of the failure rate outside the selection before the adapter is withheld."""
    max_new_tokens: int = 128
    """Greedy generation budget when verifying."""
    checkpoint_every: int = 20
    """Optimizer steps between checkpoints (a killed worker's successor resumes from the last one)."""
    max_steps: int = 0
    """Stop after this many optimizer steps; 0 lets `epochs` decide."""
    regression_examples: int = 16
    """Finetune items outside the selection re-checked for regressions."""
    gradient_accumulation: int = 1
    """Forward passes per optimizer step."""
    replay: int = 0
    """Replay prompts (outside the trained behavior) whose base-model greedy answers are added to the training
    split, so the adapter keeps the base behaviour there; 0 turns it off. Auto: ceil(REPLAY_RATIO * train
    examples), at most the prompts available."""
    auto: tuple[str, ...] = field(default=())
    """Names of the fields that were resolved by rule rather than given."""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["target_modules"] = list(self.target_modules)
        out["auto"] = list(self.auto)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Hyperparameters:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["target_modules"] = tuple(values.get("target_modules") or ("all-linear",))
        values["auto"] = tuple(values.get("auto") or ())
        return cls(**values)


def check(given: Mapping[str, Any]) -> None:
    """Raise InvalidArgument (one violation per field) for explicit values out of bounds."""
    bad: list[FieldViolation] = []
    for name, value in given.items():
        if name == "target_modules":
            if any(not isinstance(m, str) or not m.strip() for m in value):
                bad.append(FieldViolation("hyperparameters.target_modules", "must be non-empty module names"))
            continue
        low, high, inclusive = _BOUNDS[name]
        if isinstance(value, float) and math.isnan(value):
            bad.append(FieldViolation(f"hyperparameters.{name}", "must be a number"))
        elif value > high or value < low or (value == low and not inclusive):
            bracket = "[" if inclusive else "("
            bad.append(FieldViolation(f"hyperparameters.{name}", f"must be in {bracket}{low:g}, {high:g}]; got {value}"))
    if bad:
        raise InvalidArgument("invalid hyperparameters", tuple(bad))


def resolve(
    given: Mapping[str, Any], n_train: int, max_tokens: int, max_completion_tokens: int, replay_pool: int = 0
) -> Hyperparameters:
    """Fill every field left out of `given` by its rule, from the dataset's size and estimated lengths.

    Args:
        given: explicit values (already bounds-checked by `check`).
        n_train: training examples after dedup and split.
        max_tokens: the longest example's estimated prompt + completion tokens.
        max_completion_tokens: the longest desired completion's estimated tokens.
        replay_pool: replay prompts available to the job (0: replay resolves to 0).
    """
    defaults = Hyperparameters()
    values: dict[str, Any] = {}
    auto: list[str] = []

    def pick(name: str, rule: Any) -> Any:
        if name in given:
            values[name] = given[name]
        else:
            values[name] = rule
            auto.append(name)
        return values[name]

    replay = pick("replay", min(replay_pool, math.ceil(REPLAY_RATIO * n_train)))
    # Replay answers are training examples too: they count towards the batch and the steps an epoch.
    n_mix = n_train + min(replay, replay_pool)
    batch = pick("batch_size", max(1, min(defaults.batch_size, n_mix)))
    accumulation = pick("gradient_accumulation", defaults.gradient_accumulation)
    steps_per_epoch = max(1, math.ceil(n_mix / (batch * accumulation)))
    epochs = pick("epochs", max(1, min(8, math.ceil(TARGET_STEPS / steps_per_epoch))))
    pick("learning_rate", defaults.learning_rate)
    # Round up with head room: the estimate is chars/3.5, the real tokenizer may be denser.
    pick("max_length", min(4096, max(128, 64 * math.ceil(max_tokens * 1.25 / 64))))
    r = pick("lora_r", defaults.lora_r)
    pick("lora_alpha", 2 * r)
    pick("lora_dropout", defaults.lora_dropout)
    values["target_modules"] = tuple(given["target_modules"]) if given.get("target_modules") else ("all-linear",)
    if not given.get("target_modules"):
        auto.append("target_modules")
    pick("seed", defaults.seed)
    pick("eval_fraction", defaults.eval_fraction)
    pick("regression_threshold", defaults.regression_threshold)
    pick("max_new_tokens", min(512, max(16, math.ceil(max_completion_tokens * 1.5))))
    max_steps = pick("max_steps", 0)
    total = max_steps or steps_per_epoch * epochs
    pick("checkpoint_every", max(5, math.ceil(total / 4)))
    pick("regression_examples", defaults.regression_examples)
    values["auto"] = tuple(sorted(auto))
    return Hyperparameters.from_dict(values)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free length estimate (about 3.5 characters per token for English and JSON)."""
    return math.ceil(len(text) / 3.5)
