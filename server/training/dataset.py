"""Build a training job's dataset from finetune-queue items, and say what was kept, dropped and why.

Rules (each one shows up as a count in the validation report, never as a silent change):

- only items matching the job's selection (subtypes, models, time window, deferred or not) are used;
- an item whose desired completion is unknown (`needs_correction`) cannot be trained on, but it is still a
  failure the adapter should fix, so its case can be held out for verification;
- identical examples (same messages and completion) are merged: one example, every item id kept, so a
  duplicate can never land in both splits and closing a fixed example closes all its items;
- the split into train and held-out eval is by case, deterministic in (seed, case id);
- examples whose estimated length exceeds `max_length` are reported (the worker counts real tokens and
  reports again); nothing is truncated;
- preference pairs (chosen = desired completion, rejected = the failed output) come with every training
  example whose failed output differs from the desired one;
- a regression set of finetune items *outside* the selection checks that the adapter did not break what it
  was not trained for;
- replay prompts (`replay` hyperparameter, see replay.py) from outside the selection but never from the
  regression set, whose base-model answers the worker adds to the training mix.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from server.store.base import QueueItem
from server.training import replay as replays
from server.training.hyperparams import Hyperparameters, estimate_tokens, resolve

DEFAULT_MIN_EXAMPLES = 8


@dataclass(frozen=True)
class Selection:
    """Which finetune items a job uses (see `ItemSelection` in training.proto)."""

    subtypes: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    min_examples: int = 0
    max_examples: int = 0
    include_deferred: bool = False

    def matches(self, item: QueueItem) -> bool:
        p = item.payload
        if self.subtypes and not set(p.get("subtypes") or ()) & set(self.subtypes):
            return False
        if self.models and (p.get("model") or "") not in self.models:
            return False
        if item.deferred and not self.include_deferred:
            return False
        created = _aware(item.created_at)
        if self.since is not None and created < _aware(self.since):
            return False
        return not (self.until is not None and created >= _aware(self.until))

    def to_dict(self) -> dict[str, Any]:
        return {
            "subtypes": list(self.subtypes), "models": list(self.models),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "min_examples": self.min_examples, "max_examples": self.max_examples,
            "include_deferred": self.include_deferred,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Selection:
        return cls(
            subtypes=tuple(d.get("subtypes") or ()), models=tuple(d.get("models") or ()),
            since=datetime.fromisoformat(d["since"]) if d.get("since") else None,
            until=datetime.fromisoformat(d["until"]) if d.get("until") else None,
            min_examples=int(d.get("min_examples") or 0), max_examples=int(d.get("max_examples") or 0),
            include_deferred=bool(d.get("include_deferred")),
        )


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class BuiltDataset:
    dataset: dict[str, Any]
    """{"train": [...], "eval": [...], "regression": [...], "pairs": [...], "replay": [...]} (JSON objects;
    a replay entry has messages but no completion: the worker answers it with the base model)."""
    report: dict[str, Any]
    hyperparameters: Hyperparameters
    error: dict[str, Any] | None
    """A structured reason when the dataset cannot train a useful adapter (validation_failed)."""

    def to_json(self) -> tuple[str, str]:
        """(canonical JSON, sha256 hex) — the hash goes into the adapter's manifest."""
        blob = json.dumps(self.dataset, sort_keys=True, ensure_ascii=False)
        return blob, hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _example(item: QueueItem) -> dict[str, Any]:
    p = item.payload
    return {
        "case_id": item.case_id,
        "item_ids": [item.item_id],
        "subtypes": list(p.get("subtypes") or ()),
        "model": p.get("model"),
        "messages": list(p.get("messages") or ()),
        "completion": p.get("completion"),
        "rejected": p.get("rejected") or "",
        "expected_format": p.get("expected_format"),
        "schema": p.get("schema"),
        "instructions": list(p.get("instructions") or ()),
        "record": p.get("record") or {},
    }


def _content_key(ex: Mapping[str, Any]) -> str:
    blob = json.dumps([ex["messages"], ex["completion"]], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _split_rank(seed: int, case_id: str) -> str:
    return hashlib.sha256(f"{seed}:{case_id}".encode()).hexdigest()


TEMPLATE_TOKENS = 32
"""Head room for what a chat template adds around the messages (role markers, a default system prompt)."""


def _length(ex: Mapping[str, Any]) -> tuple[int, int]:
    prompt = TEMPLATE_TOKENS + sum(estimate_tokens(str(m.get("content", ""))) + 4 for m in ex["messages"])
    completion = estimate_tokens(ex["completion"] or "")
    return prompt + completion, completion


def build(
    items: Sequence[QueueItem], selection: Selection, given: Mapping[str, Any]
) -> BuiltDataset:
    """Select, merge duplicates, split by case, resolve `auto` hyperparameters and report every decision."""
    chosen = [i for i in items if i.queue == "finetune" and selection.matches(i)]
    outside = [i for i in items if i.queue == "finetune" and not selection.matches(i)]
    if selection.max_examples:
        chosen = chosen[: selection.max_examples]

    merged: dict[str, dict[str, Any]] = {}
    duplicates = 0
    for item in chosen:
        ex = _example(item)
        key = _content_key(ex)
        if key in merged:
            duplicates += 1
            merged[key]["item_ids"] += ex["item_ids"]
            merged[key].setdefault("merged_case_ids", []).append(ex["case_id"])
        else:
            merged[key] = ex
    examples = list(merged.values())
    trainable = [e for e in examples if e["completion"]]
    no_completion = [e for e in examples if not e["completion"]]

    seed = int(given.get("seed", Hyperparameters().seed))
    fraction = float(given.get("eval_fraction", Hyperparameters().eval_fraction))
    ranked = sorted(trainable, key=lambda e: _split_rank(seed, e["case_id"]))
    n_eval = min(len(ranked) - 1, max(1, round(len(ranked) * fraction))) if len(ranked) >= 2 else 0
    eval_set, train = ranked[:n_eval], ranked[n_eval:]
    # A failure with no known fix cannot be trained on, but it is exactly what the adapter should fix.
    eval_set = eval_set + no_completion

    n_regression = int(given.get("regression_examples", Hyperparameters().regression_examples))
    regression = [_example(i) for i in outside[:n_regression]] if selection.subtypes else []
    # Replay may use outside items, but never the regression set: that must stay unseen to mean anything.
    replay_outside = [_example(i) for i in outside[len(regression):]]
    lengths = [_length(e) for e in train + eval_set] or [(0, 0)]
    hp = resolve(given, len(train), max(t for t, _ in lengths), max(c for _, c in lengths),
                 replays.available(len(replay_outside)))
    replay = replays.choose(replay_outside, train + eval_set + regression, hp.replay, hp.seed)
    overlong = [e["case_id"] for e in train if _length(e)[0] > hp.max_length]

    pairs = [
        {"case_id": e["case_id"], "messages": e["messages"], "chosen": e["completion"], "rejected": e["rejected"]}
        for e in train
        if e["rejected"] and e["rejected"].strip() != e["completion"].strip()
    ]

    by_subtype: dict[str, dict[str, int]] = {}
    for split, rows in (("train", train), ("eval", eval_set)):
        for e in rows:
            for s in e["subtypes"] or ["(none)"]:
                by_subtype.setdefault(s, {"train": 0, "eval": 0})[split] += 1
    report: dict[str, Any] = {
        "items_seen": len(items),
        "items_selected": len(chosen),
        "duplicates_merged": duplicates,
        "examples": len(examples),
        "needs_correction": len(no_completion),
        "train_examples": len(train),
        "eval_examples": len(eval_set),
        "train_cases": sorted(e["case_id"] for e in train),
        "eval_cases": sorted(e["case_id"] for e in eval_set),
        "preference_pairs": len(pairs),
        "regression_examples": len(regression),
        "replay_examples": len(replay),
        "replay_sources": {src: sum(r["source"] == src for r in replay) for src in sorted({r["source"] for r in replay})},
        "overlong_estimated": overlong,
        "by_subtype": by_subtype,
        "notes": [] if selection.subtypes else ["no subtype selected: every behavior is trained, so there is no "
                                                "outside behavior to check for regressions"],
    }
    min_examples = selection.min_examples or DEFAULT_MIN_EXAMPLES
    error = None
    usable = len(train) - len(overlong)
    if usable < min_examples or not eval_set:
        error = {
            "code": "too_few_examples",
            "message": f"{usable} usable training examples and {len(eval_set)} held-out; the job needs at least "
                       f"{min_examples} and 1",
            "details": {"usable_train": usable, "eval": len(eval_set), "min_examples": min_examples,
                        "needs_correction": len(no_completion), "overlong": len(overlong)},
        }
    dataset = {"train": train, "eval": eval_set, "regression": regression, "pairs": pairs, "replay": replay}
    return BuiltDataset(dataset, report, hp, error)
