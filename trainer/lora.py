"""LoRA supervised finetuning with checkpoints that a successor worker can resume from.

The loop is small and explicit (transformers model + peft LoRA + AdamW + a linear schedule, stepped through
`accelerate` so the same code runs as one CPU process or as N GPU processes under `accelerate launch` /
`torchrun`). Why not `transformers.Trainer`: resume must survive the worker being killed at any moment, and
progress/cancel must flow through the worker's gRPC lease; an explicit loop makes both plain.

Data order is a pure function of (seed, epoch), so resuming at step s replays exactly the batches a
never-interrupted run would have seen from s on. Checkpoints are written to a temporary folder and renamed,
so a kill during a save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from trainer.runtime import Device, peak_memory_bytes
from trainer.spec import Hyper

Reporter = Callable[[dict[str, Any]], None]
KEEP_CHECKPOINTS = 2


@dataclass(frozen=True)
class Encoded:
    case_id: str
    input_ids: list[int]
    labels: list[int]


def encode(
    tokenizer: Any, messages: Sequence[Mapping[str, str]], completion: str, closed: bool = True
) -> tuple[list[int], list[int]]:
    """Token ids of prompt + completion, with the prompt masked out of the loss (-100): the loss is on the
    completion tokens only.

    `closed=False` leaves the end-of-turn marker out (and so out of the loss): for a replay answer the base
    model had not finished within its token budget, which must not teach the adapter to stop there.
    """
    prompt = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=False)
    full = tokenizer.apply_chat_template(
        [*messages, {"role": "assistant", "content": completion}], tokenize=False
    )
    if not closed or not full.startswith(prompt):  # (or a template that rewrites earlier turns)
        full = prompt + completion + ((tokenizer.eos_token or "") if closed else "")
    p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    f_ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    return f_ids, [-100] * len(p_ids) + f_ids[len(p_ids):]


def encode_all(tokenizer: Any, examples: Sequence[Mapping[str, Any]], max_length: int) -> tuple[list[Encoded], list[dict[str, Any]]]:
    """Encode the training split; over-long examples are returned separately, never truncated."""
    kept: list[Encoded] = []
    overlong: list[dict[str, Any]] = []
    for ex in examples:
        ids, labels = encode(tokenizer, ex["messages"], ex["completion"], bool(ex.get("closed", True)))
        if len(ids) > max_length:
            overlong.append({"case_id": ex["case_id"], "tokens": len(ids), "max_length": max_length})
        else:
            kept.append(Encoded(ex["case_id"], ids, labels))
    return kept, overlong


def _collate(batch: Sequence[Encoded], pad_id: int, device: str) -> dict[str, Any]:
    import torch

    width = max(len(e.input_ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for i, e in enumerate(batch):
        n = len(e.input_ids)
        ids[i, :n] = torch.tensor(e.input_ids)
        labels[i, :n] = torch.tensor(e.labels)
        mask[i, :n] = 1
    return {"input_ids": ids.to(device), "labels": labels.to(device), "attention_mask": mask.to(device)}


def _order(n: int, seed: int, epoch: int) -> list[int]:
    import torch

    g = torch.Generator().manual_seed(seed * 1000 + epoch)
    return torch.randperm(n, generator=g).tolist()


def latest_checkpoint(ckpt_dir: Path) -> Path | None:
    done = sorted(p for p in ckpt_dir.glob("step-*") if p.is_dir() and not p.name.endswith(".tmp"))
    return done[-1] if done else None


def _save(ckpt_dir: Path, step: int, model: Any, optimizer: Any, scheduler: Any, state: dict[str, Any]) -> Path:
    import torch

    final = ckpt_dir / f"step-{step:07d}"
    tmp = ckpt_dir / f"step-{step:07d}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp / "adapter")
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "rng": torch.get_rng_state()}, tmp / "optim.pt")
    (tmp / "state.json").write_text(json.dumps(state, sort_keys=True))
    tmp.rename(final)
    for old in sorted(p for p in ckpt_dir.glob("step-*") if p.is_dir() and not p.name.endswith(".tmp"))[:-KEEP_CHECKPOINTS]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _load(ckpt: Path, model: Any, optimizer: Any, scheduler: Any) -> dict[str, Any]:
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    set_peft_model_state_dict(model, load_file(str(ckpt / "adapter" / "adapter_model.safetensors")))
    blob = torch.load(ckpt / "optim.pt", weights_only=False)
    optimizer.load_state_dict(blob["optimizer"])
    scheduler.load_state_dict(blob["scheduler"])
    torch.set_rng_state(blob["rng"])
    return json.loads((ckpt / "state.json").read_text())


def train(
    model: Any, tokenizer: Any, examples: Sequence[Encoded], hp: Hyper, device: Device, ckpt_dir: Path,
    report: Reporter, should_stop: Callable[[], bool],
) -> dict[str, Any]:
    """Run (or resume) LoRA training; returns metrics. `metrics["stopped"]` is True when cancelled."""
    import torch
    from accelerate import Accelerator
    from transformers import get_linear_schedule_with_warmup

    acc = Accelerator(cpu=device.name == "cpu")
    chunk = hp.batch_size
    n_chunks = math.ceil(len(examples) / chunk)
    steps_per_epoch = max(1, math.ceil(n_chunks / hp.gradient_accumulation))
    total = hp.max_steps or steps_per_epoch * hp.epochs
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=hp.learning_rate, weight_decay=0.0)
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(0.05 * total), total)
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    step, tokens_seen, train_seconds, resumed_from = 0, 0, 0.0, None
    latest = latest_checkpoint(ckpt_dir)
    if latest is not None:
        state = _load(latest, model, optimizer, scheduler)
        step, tokens_seen, train_seconds = state["step"], state["tokens_seen"], state["train_seconds"]
        resumed_from = latest.name
        report({"kind": "checkpoint", "step": step, "total_steps": total,
                "message": f"resumed from checkpoint {latest.name}", "details": {"resumed_from": latest.name}})
    model, optimizer = acc.prepare(model, optimizer)
    model.train()
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    losses: list[float] = []
    stopped = False
    while step < total:
        if should_stop():
            stopped = True
            break
        epoch, within = divmod(step, steps_per_epoch)
        order = _order(len(examples), hp.seed, epoch)
        started = time.perf_counter()
        step_tokens, step_loss, micro = 0, 0.0, 0
        for c in range(within * hp.gradient_accumulation, min(n_chunks, (within + 1) * hp.gradient_accumulation)):
            batch = [examples[i] for i in order[c * chunk:(c + 1) * chunk]]
            # Under a multi-process launcher each process takes its share of the micro-batch.
            batch = batch[acc.process_index::acc.num_processes] or batch[:1]
            inputs = _collate(batch, pad_id, acc.device.type if acc.device.type != "cpu" else "cpu")
            loss = model(**inputs).loss / hp.gradient_accumulation
            acc.backward(loss)
            step_loss += float(loss.detach())
            step_tokens += int(inputs["attention_mask"].sum())
            micro += 1
        acc.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        elapsed = time.perf_counter() - started
        train_seconds += elapsed
        tokens_seen += step_tokens * acc.num_processes
        losses.append(step_loss)
        if acc.is_main_process:
            report({"kind": "progress", "step": step, "total_steps": total, "epoch": step / steps_per_epoch,
                    "loss": step_loss, "learning_rate": scheduler.get_last_lr()[0],
                    "tokens_per_second": step_tokens * acc.num_processes / max(elapsed, 1e-9),
                    "peak_memory_bytes": peak_memory_bytes(device)})
            if step % hp.checkpoint_every == 0 and step < total:
                saved = _save(ckpt_dir, step, acc.unwrap_model(model), optimizer, scheduler,
                              {"step": step, "tokens_seen": tokens_seen, "train_seconds": train_seconds})
                report({"kind": "checkpoint", "step": step, "total_steps": total,
                        "message": f"checkpoint {saved.name}", "details": {"path": str(saved)}})
        acc.wait_for_everyone()
    model.eval()
    return {
        "steps": step, "total_steps": total, "stopped": stopped, "resumed_from": resumed_from,
        "train_examples": len(examples), "tokens_seen": tokens_seen, "train_seconds": round(train_seconds, 3),
        "tokens_per_second": tokens_seen / train_seconds if train_seconds else 0.0,
        "first_loss": losses[0] if losses else None, "final_loss": losses[-1] if losses else None,
        "peak_memory_bytes": peak_memory_bytes(device), "world_size": acc.num_processes,
        "model": acc.unwrap_model(model),
    }
