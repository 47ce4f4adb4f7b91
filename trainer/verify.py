"""Before/after verification: regenerate answers with the base model and with the adapter, re-diagnose.

- held-out failures (cases never trained on): failure rate before and after, overall and per subtype;
- the regression set (finetune cases outside the trained behavior): failure rate before and after;
- training cases: after only, so the items the adapter now answers correctly can be closed.

Decoding is greedy, so the numbers are reproducible. The worker only reports; the server applies the
publish rule (server/training/verdict.py).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

from trainer.rediagnose import Finding, Rediagnoser
from trainer.runtime import Device
from trainer.spec import Hyper

GEN_BATCH = 8
KEEP_EXAMPLES = 24


def generate(model: Any, tokenizer: Any, conversations: Sequence[Sequence[Mapping[str, str]]], max_new_tokens: int,
             device: Device, finished: list[bool] | None = None) -> tuple[list[str], int, float]:
    """Greedy answers for each conversation; returns (answers, new tokens, seconds).

    When `finished` is given, one flag per answer is appended to it: True when the model ended its turn
    within `max_new_tokens`, False when the budget cut it off.
    """
    import torch

    tokenizer.padding_side = "left"  # decoder-only generation continues from the right edge
    prompts = [tokenizer.apply_chat_template(list(c), add_generation_prompt=True, tokenize=False) for c in conversations]
    answers: list[str] = []
    new_tokens, started = 0, time.perf_counter()
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    was_training = model.training
    model.eval()
    for i in range(0, len(prompts), GEN_BATCH):
        enc = tokenizer(prompts[i:i + GEN_BATCH], return_tensors="pt", padding=True, add_special_tokens=False)
        enc = {k: v.to(device.name) for k, v in enc.items()}
        with torch.no_grad():
            out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad,
                                 eos_token_id=tokenizer.eos_token_id, use_cache=True)
        tail = out[:, enc["input_ids"].shape[1]:]
        for row in tail:
            kept = [t for t in row.tolist() if t != pad]
            if finished is not None:
                finished.append(len(kept) < max_new_tokens or tokenizer.eos_token_id in kept)
            new_tokens += len(kept)
            answers.append(tokenizer.decode(kept, skip_special_tokens=True).strip())
    if was_training:
        model.train()
    return answers, new_tokens, time.perf_counter() - started


def _tally(examples: Sequence[Mapping[str, Any]], before: Sequence[Finding] | None, after: Sequence[Finding]) -> dict[str, Any]:
    block: dict[str, Any] = {"n": len(examples), "after_failures": sum(f.failing for f in after), "per_subtype": {}}
    if before is not None:
        block["before_failures"] = sum(f.failing for f in before)
        # Cases the base model answered correctly that the adapter now gets wrong: the sharpest regression
        # signal (a rate difference hides one fixed case cancelling one broken case).
        block["newly_failing"] = sum(a.failing and not b.failing for a, b in zip(after, before))
    for i, ex in enumerate(examples):
        for sub in ex.get("subtypes") or ["(none)"]:
            row = block["per_subtype"].setdefault(sub, {"n": 0, "after_failures": 0, **({"before_failures": 0} if before is not None else {})})
            row["n"] += 1
            row["after_failures"] += int(after[i].failing)
            if before is not None:
                row["before_failures"] += int(before[i].failing)
    for row in [block, *block["per_subtype"].values()]:
        row["after_rate"] = round(row["after_failures"] / row["n"], 4) if row["n"] else 0.0
        if before is not None:
            row["before_rate"] = round(row["before_failures"] / row["n"], 4) if row["n"] else 0.0
    return block


def verify(
    model: Any, tokenizer: Any, dataset: Mapping[str, Any], hp: Hyper, device: Device, judge: Rediagnoser,
    report: Callable[[dict[str, Any]], None], verify_train: bool = True,
) -> dict[str, Any]:
    """Run the before/after comparison; `model` is the peft model (its adapter is switched off for "before")."""
    held, regression = list(dataset.get("eval") or ()), list(dataset.get("regression") or ())
    train = list(dataset.get("train") or ()) if verify_train else []
    convs = [e["messages"] for e in held + regression]
    report({"kind": "verification", "message": f"generating {len(convs)} answers with the base model"})
    with model.disable_adapter():
        before_out, before_tokens, before_s = generate(model, tokenizer, convs, hp.max_new_tokens, device)
    report({"kind": "verification", "message": f"generating {len(convs) + len(train)} answers with the adapter"})
    after_out, after_tokens, after_s = generate(
        model, tokenizer, convs + [e["messages"] for e in train], hp.max_new_tokens, device)
    before_f = judge.judge(held + regression, before_out)
    after_f = judge.judge(held + regression + train, after_out)
    n_held, n_reg = len(held), len(regression)
    result: dict[str, Any] = {
        "judge": judge.name,
        "held_out": _tally(held, before_f[:n_held], after_f[:n_held]),
        "regression": _tally(regression, before_f[n_held:], after_f[n_held:n_held + n_reg]),
        "train": _tally(train, None, after_f[n_held + n_reg:]),
        "generation": {
            "before_tokens": before_tokens, "before_seconds": round(before_s, 3),
            "after_tokens": after_tokens, "after_seconds": round(after_s, 3),
            "tokens_per_second": round((before_tokens + after_tokens) / max(before_s + after_s, 1e-9), 2),
        },
    }
    fixed = []
    rows = [("eval", e) for e in held] + [("train", e) for e in train]
    after_rows = after_f[:n_held] + after_f[n_held + n_reg:]
    for (split, ex), finding in zip(rows, after_rows):
        if not finding.failing:
            fixed.append({"case_id": ex["case_id"], "item_ids": list(ex.get("item_ids") or ()), "split": split,
                          "evidence": f"{judge.name} re-diagnosis of the adapter's answer: {finding.evidence}"})
    result["fixed"] = fixed
    result["examples"] = [
        {"case_id": ex["case_id"], "split": "eval" if i < n_held else "regression", "subtypes": ex.get("subtypes"),
         "before": before_out[i][:300], "after": after_out[i][:300],
         "before_failing": before_f[i].failing, "after_failing": after_f[i].failing,
         "after_flagged": list(after_f[i].flagged)}
        for i, ex in enumerate((held + regression)[:KEEP_EXAMPLES])
    ]
    held_block = result["held_out"]
    report({"kind": "verification", "message": (
        f"held-out failure rate {held_block.get('before_rate', 0):.3f} -> {held_block['after_rate']:.3f}; "
        f"regression set {result['regression'].get('before_rate', 0):.3f} -> {result['regression']['after_rate']:.3f}"),
        "details": {"held_out": held_block, "regression": result["regression"]}})
    return result
