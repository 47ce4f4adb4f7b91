"""Replay on the tiny model: the base model's own answers become training targets, cached for a resume, and
an answer cut off by the token budget is trained without an end of turn."""

from __future__ import annotations

from pathlib import Path

from server.training import replay
from trainer import lora, runtime
from trainer.job import replay_answers
from trainer.spec import Hyper


def test_base_answers_become_targets_and_are_cached(tiny_model: Path, tmp_path: Path) -> None:
    device = runtime.pick_device(force_cpu=True)
    tok = runtime.load_tokenizer(str(tiny_model))
    base = runtime.load_model(str(tiny_model), device)
    prompts = replay.choose([], [], 3, seed=0)
    events: list[dict] = []
    hp = Hyper(max_new_tokens=6)
    rows = replay_answers(base, tok, prompts, hp, device, tmp_path, events.append)
    assert [r["case_id"] for r in rows] == [p["case_id"] for p in prompts]
    # Greedy answers of the untouched base model: regenerating gives the same targets.
    from trainer import verify

    again, _, _ = verify.generate(base, tok, [p["messages"] for p in prompts], 6, device)
    assert [r["completion"] for r in rows] == again
    assert any("replay answers" in e["message"] for e in events)
    # A resumed job reads the cache instead of generating (the model is not even needed).
    assert replay_answers(None, tok, prompts, hp, device, tmp_path, events.append) == rows
    assert replay_answers(base, tok, [], hp, device, tmp_path / "none", events.append) == []


def test_loss_is_on_the_completion_and_cut_answers_stay_open(tiny_model: Path) -> None:
    tok = runtime.load_tokenizer(str(tiny_model))
    messages = [{"role": "user", "content": "Describe Alice in a few words."}]
    ids, labels = lora.encode(tok, messages, "alice is great")
    prompt_len = len(tok(tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False),
                         add_special_tokens=False)["input_ids"])
    assert labels[:prompt_len] == [-100] * prompt_len and -100 not in labels[prompt_len:]
    assert ids[-1] == tok.eos_token_id  # a finished answer teaches the model to end its turn
    open_ids, open_labels = lora.encode(tok, messages, "alice is great", closed=False)
    assert open_ids == ids[:-1] and tok.eos_token_id not in open_labels
