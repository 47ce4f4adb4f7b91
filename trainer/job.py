"""The training entry point every backend runs: one job from dataset to adapter, manifest and verification.

`run_job` is the same function in-process (local backend), under `accelerate launch` / `torchrun`
(`python -m trainer.entry JOB_DIR`), or inside a Ray task or Kubernetes Job (see deploy/TRAINING.md). It
knows nothing of gRPC: progress goes to a `report` callback and cancellation comes from `should_stop`.

Layout of a job directory (shared between successive workers so a successor resumes):

    JOB_DIR/checkpoints/step-0000020/   adapter + optimizer + scheduler + state (kept: the last two)
    JOB_DIR/adapter/                    the final adapter (peft format)
    JOB_DIR/manifest.json               base model and its hash, dataset hash, hyperparameters, versions, metrics
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from trainer import lora, runtime, verify
from trainer.rediagnose import Rediagnoser
from trainer.spec import JobSpec


@dataclass
class Outcome:
    cancelled: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    artifact_path: str = ""
    manifest: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"cancelled": self.cancelled, "metrics": self.metrics, "verification": self.verification,
                "artifact_path": self.artifact_path, "manifest": self.manifest}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Outcome:
        return cls(bool(d.get("cancelled")), dict(d.get("metrics") or {}), dict(d.get("verification") or {}),
                   str(d.get("artifact_path") or ""), dict(d.get("manifest") or {}))


def run_job(
    spec: JobSpec, dataset: Mapping[str, Any], dataset_hash: str, job_dir: Path,
    report: Callable[[dict[str, Any]], None], should_stop: Callable[[], bool], judge: Rediagnoser,
    force_cpu: bool = False, gradient_checkpointing: bool = True,
) -> Outcome:
    """Train (resuming from JOB_DIR's latest checkpoint), save the adapter, verify, write the manifest."""
    hp = spec.hyper
    device = runtime.pick_device(force_cpu)
    runtime.seed_everything(hp.seed)
    started = time.perf_counter()
    tokenizer = runtime.load_tokenizer(spec.base_model)
    base = runtime.load_model(spec.base_model, device)
    load_seconds = time.perf_counter() - started

    replayed = replay_answers(base, tokenizer, dataset.get("replay") or (), hp, device, job_dir, report)
    train_set = [*(dataset.get("train") or ()), *(r for r in replayed if r["completion"])]
    encoded, overlong = lora.encode_all(tokenizer, train_set, hp.max_length)
    report({"kind": "dataset", "message": f"{len(encoded)} training examples tokenized ({len(replayed)} replay); "
            f"{len(overlong)} longer than max_length {hp.max_length} left out (not truncated)",
            "details": {"train_examples": len(encoded), "replay_examples": len(replayed), "overlong": overlong,
                        "device": device.name, "dtype": device.dtype_name}})
    if not encoded:
        raise ValueError(f"every training example is longer than max_length={hp.max_length}")

    model = runtime.lora_model(base, hp, gradient_checkpointing)
    result = lora.train(model, tokenizer, encoded, hp, device, job_dir / "checkpoints", report, should_stop)
    model = result.pop("model")
    metrics: dict[str, Any] = {**result, "overlong_examples": len(overlong), "load_seconds": round(load_seconds, 3),
                               "replay_examples": sum(bool(r["completion"]) for r in replayed),
                               "device": device.name, "dtype": device.dtype_name}
    if result["stopped"]:
        return Outcome(cancelled=True, metrics=metrics)
    from accelerate import PartialState

    if not PartialState().is_main_process:
        return Outcome(metrics=metrics)  # rank 0 alone saves, verifies and reports

    adapter_dir = job_dir / "adapter"
    model.save_pretrained(adapter_dir)
    report({"kind": "log", "message": f"adapter saved to {adapter_dir}"})
    if gradient_checkpointing:
        model.base_model.model.config.use_cache = True  # generation wants the KV cache back
    checked = verify.verify(model, tokenizer, dataset, hp, device, judge, report)
    metrics["generation_tokens_per_second"] = checked["generation"]["tokens_per_second"]
    manifest = {
        "job_id": spec.job_id,
        "base_model": spec.base_model,
        "base_model_sha256": runtime.hash_base_model(spec.base_model),
        "dataset_hash": dataset_hash,
        "hyperparameters": hp.to_dict(),
        "seed": hp.seed,
        "trained_subtypes": list(spec.subtypes),
        "library_versions": runtime.library_versions(),
        "device": device.name,
        "dtype": device.dtype_name,
        "backend": spec.backend,
        "metrics": {k: v for k, v in metrics.items() if not isinstance(v, (dict, list))},
        "verification": {"held_out": checked["held_out"], "regression": checked["regression"],
                         "judge": checked["judge"]},
        "adapter_files": sorted(p.name for p in adapter_dir.iterdir()),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (job_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    (adapter_dir / "hyperparameters.json").write_text(json.dumps(hp.to_dict(), indent=2, sort_keys=True))
    return Outcome(metrics=metrics, verification=checked, artifact_path=str(adapter_dir), manifest=manifest)


def replay_answers(
    base: Any, tokenizer: Any, prompts: Sequence[Mapping[str, Any]], hp: Any, device: runtime.Device,
    job_dir: Path, report: Callable[[dict[str, Any]], None],
) -> list[dict[str, Any]]:
    """The base model's greedy answers to the job's replay prompts, as training examples (self-distillation).

    Generated before LoRA is attached, so they are the base behaviour the adapter must keep. Saved to
    JOB_DIR/replay.json: a successor worker resuming the job trains on exactly the same mix.
    """
    if not prompts:
        return []
    cache = job_dir / "replay.json"
    if cache.is_file():
        return list(json.loads(cache.read_text()))
    report({"kind": "dataset", "message": f"generating {len(prompts)} replay answers with the base model"})
    finished: list[bool] = []
    answers, tokens, seconds = verify.generate(base, tokenizer, [p["messages"] for p in prompts],
                                               hp.max_new_tokens, device, finished)
    rows = [{"case_id": p["case_id"], "messages": list(p["messages"]), "completion": a, "closed": done,
             "source": p.get("source", "")} for p, a, done in zip(prompts, answers, finished)]
    job_dir.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # each launched process writes its own, then one rename wins
    tmp.write_text(json.dumps(rows, ensure_ascii=False))
    tmp.rename(cache)
    report({"kind": "dataset", "message": (
        f"{sum(bool(r['completion']) for r in rows)} replay answers ({sum(not r['closed'] for r in rows)} cut off "
        f"by max_new_tokens, trained without an end of turn; empty ones left out)"),
        "details": {"tokens": tokens, "seconds": round(seconds, 3)}})
    return rows
