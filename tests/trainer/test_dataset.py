"""Dataset building, auto hyperparameters and the publish rule: pure functions, no model, no server."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from classifiers.records import Diagnosis, FailureRecord
from server import router
from server.errors import InvalidArgument
from server.store.base import QueueItem
from server.training import Selection, build, decide, replay
from server.training.hyperparams import check, resolve

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _item(i: int, subtype: str = "format_violation", reference: str | None = '{"a": 1}', input_: str | None = None,
          model: str = "m1", created: datetime = T0, deferred: bool = False) -> QueueItem:
    rec = FailureRecord(id=f"c{i}", input=input_ or f"Return JSON for case {i}.", output="not json",
                        reference=reference, expected_format="json", model=model)
    d = Diagnosis(rec.id, "behavior", (subtype,), 0.9, "finetune", (), "", "t")
    payload = router.finetune_payload(rec, d, deferred=deferred)
    return QueueItem(f"it{i}", "finetune", rec.id, "r", payload, 0, "ready", deferred, created)


def test_split_is_by_case_deterministic_and_reports_everything() -> None:
    items = [_item(i) for i in range(20)] + [_item(100 + i, reference=None) for i in range(3)]
    built = build(items, Selection(subtypes=("format_violation",)), {"seed": 7})
    again = build(items, Selection(subtypes=("format_violation",)), {"seed": 7})
    assert built.to_json() == again.to_json()
    train = {e["case_id"] for e in built.dataset["train"]}
    held = {e["case_id"] for e in built.dataset["eval"]}
    assert not train & held and len(train) + len(held) == 23
    # Unknown completions are never trained on, but they are held-out failures to fix.
    assert {"c100", "c101", "c102"} <= held
    assert built.report["needs_correction"] == 3 and built.report["eval_examples"] == 5 + 3
    assert built.error is None
    other_seed = build(items, Selection(subtypes=("format_violation",)), {"seed": 8})
    assert {e["case_id"] for e in other_seed.dataset["eval"]} != held


def test_duplicates_merge_so_they_cannot_straddle_the_split() -> None:
    same = [_item(i, input_="Return JSON for the same thing.") for i in range(6)]
    built = build(same + [_item(50 + i) for i in range(12)], Selection(), {})
    assert built.report["duplicates_merged"] == 5
    merged = [e for e in built.dataset["train"] + built.dataset["eval"] if len(e["item_ids"]) > 1]
    assert len(merged) == 1 and sorted(merged[0]["item_ids"]) == [f"it{i}" for i in range(6)]


def test_selection_filters_and_regression_set() -> None:
    items = (
        [_item(i) for i in range(10)]
        + [_item(20 + i, subtype="instruction_violation") for i in range(4)]
        + [_item(30, model="m2"), _item(31, created=T0 - timedelta(days=3)), _item(32, deferred=True)]
    )
    sel = Selection(subtypes=("format_violation",), models=("m1",), since=T0 - timedelta(days=1))
    built = build(items, sel, {"regression_examples": 3})
    used = {e["case_id"] for e in built.dataset["train"] + built.dataset["eval"]}
    assert used == {f"c{i}" for i in range(10)}
    assert len(built.dataset["regression"]) == 3  # capped, from outside the selection
    assert built.report["regression_examples"] == 3
    with_deferred = build(items, dataclasses.replace(sel, include_deferred=True), {})
    assert "c32" in {e["case_id"] for e in with_deferred.dataset["train"] + with_deferred.dataset["eval"]}


def test_pairs_overlong_and_too_few() -> None:
    items = [_item(i) for i in range(10)] + [_item(99, input_="x " * 2000)]
    built = build(items, Selection(min_examples=5), {"max_length": 64})
    assert built.report["overlong_estimated"] in ([], ["c99"])  # reported when it landed in train, never cut
    assert len(built.dataset["pairs"]) == built.report["train_examples"]
    pair = built.dataset["pairs"][0]
    assert pair["chosen"] == '{"a": 1}' and pair["rejected"] == "not json"
    few = build([_item(i) for i in range(3)], Selection(), {})
    assert few.error is not None and few.error["code"] == "too_few_examples"


def test_auto_hyperparameters_resolve_and_explicit_ones_are_checked() -> None:
    hp = resolve({"lora_r": 8}, n_train=40, max_tokens=300, max_completion_tokens=20)
    assert hp.lora_r == 8 and hp.lora_alpha == 16 and "lora_r" not in hp.auto and "epochs" in hp.auto
    assert hp.max_length >= 300 and hp.max_length % 64 == 0 and hp.max_new_tokens == 30
    # About 96 optimizer steps, at most 8 epochs: 10 steps an epoch -> 8 epochs; 100 steps an epoch -> 1.
    assert hp.epochs == 8
    assert resolve({}, n_train=400, max_tokens=10, max_completion_tokens=5).epochs == 1
    check({"epochs": 3, "learning_rate": 1e-4})
    with pytest.raises(InvalidArgument) as info:
        check({"epochs": 0, "eval_fraction": 0.95})
    assert {v.field for v in info.value.violations} == {"hyperparameters.epochs", "hyperparameters.eval_fraction"}


def test_replay_prompts_come_from_outside_never_the_regression_set() -> None:
    items = ([_item(i) for i in range(20)]
             + [_item(40 + i, subtype="instruction_violation", input_=f"Say hello to person {i}.") for i in range(6)])
    sel = Selection(subtypes=("format_violation",))
    built = build(items, sel, {"regression_examples": 4, "seed": 3})
    hp, data = built.hyperparameters, built.dataset
    # auto: one replay example per two training examples, resolved and listed as auto.
    assert "replay" in hp.auto and hp.replay == -(-built.report["train_examples"] // 2) == len(data["replay"])
    regression = {e["case_id"] for e in data["regression"]}
    sources = [r["source"] for r in data["replay"]]
    # The 2 outside items left over after the regression set come first, then the built-in set.
    assert sources[:2] == ["outside_items"] * 2 and set(sources[2:]) == {replay.BUILTIN_NAME}
    outside_used = {r["case_id"].removeprefix("replay:") for r in data["replay"] if r["source"] == "outside_items"}
    assert len(regression) == 4 and not outside_used & regression
    assert outside_used | regression == {f"c{40 + i}" for i in range(6)}
    assert all("completion" not in r for r in data["replay"])  # the worker's base model answers them
    assert built.report["replay_sources"] == {"outside_items": 2, replay.BUILTIN_NAME: hp.replay - 2}
    assert build(items, sel, {"regression_examples": 4, "seed": 3}).to_json() == built.to_json()
    # Explicit values are kept; 0 turns replay off; a prompt already in the job is never replayed.
    off = build(items, sel, {"replay": 0})
    assert off.dataset["replay"] == [] and "replay" not in off.hyperparameters.auto
    used = [{"messages": [{"role": "user", "content": replay.GENERIC_V1[0]}]}]
    clash = replay.choose([], used, 100, seed=0)
    assert len(clash) == len(replay.GENERIC_V1) - 1 and replay.GENERIC_V1[0] not in str(clash)
    # Replay examples count towards the steps an epoch when epochs are auto (~96 steps): 100 train + 60 replay
    # -> 40 steps an epoch -> 3 epochs; 100 train alone -> 25 steps -> 4 epochs.
    assert resolve({"replay": 60}, n_train=100, max_tokens=50, max_completion_tokens=5, replay_pool=60).epochs == 3
    assert resolve({"replay": 0}, n_train=100, max_tokens=50, max_completion_tokens=5, replay_pool=60).epochs == 4
    with pytest.raises(InvalidArgument):
        check({"replay": -1})


@pytest.mark.parametrize(
    ("held", "reg", "published"),
    [
        ({"n": 10, "before_failures": 10, "after_failures": 2}, {"n": 5, "before_failures": 1, "after_failures": 1}, True),
        ({"n": 10, "before_failures": 10, "after_failures": 10}, {}, False),  # no drop
        ({"n": 10, "before_failures": 10, "after_failures": 0}, {"n": 10, "before_failures": 0, "after_failures": 3}, False),
        ({"n": 0}, {}, False),  # nothing verified
        # Same failure rate outside, but 2 of 10 cases that passed now fail (and 2 others got fixed).
        ({"n": 10, "before_failures": 10, "after_failures": 0},
         {"n": 10, "before_failures": 5, "after_failures": 5, "newly_failing": 2}, False),
    ],
)
def test_publish_rule(held: dict, reg: dict, published: bool) -> None:
    fixed = [{"case_id": "c1", "item_ids": ["i1"], "split": "eval"}]
    verdict = decide({"held_out": held, "regression": reg, "fixed": fixed}, regression_threshold=0.1)
    assert verdict.published is published
    assert list(verdict.fixed) == (fixed if published else [])  # only a published adapter closes items
    assert verdict.reasons
