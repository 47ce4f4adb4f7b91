"""The whole path on CPU: items queued -> job created -> worker trains -> events streamed -> artifact written
-> verification ran -> fixed items closed. Real server, real SQLite, real LoRA on a tiny config-built model."""

from __future__ import annotations

import json
from pathlib import Path

from google.protobuf.json_format import MessageToDict

from server._proto.formfact.v1 import training_pb2 as pb
from trainer import EngineRediagnoser, ValidatorRediagnoser, Worker

# Hyperparameters that make a 2-layer random model learn a JSON answer in a few dozen CPU steps.
FAST = dict(learning_rate=1e-2, max_steps=60, batch_size=4, lora_r=8, max_new_tokens=12, checkpoint_every=20)


def test_queue_to_verified_adapter(running, tiny_model: Path, tmp_path: Path, engine, kit) -> None:  # type: ignore[no-untyped-def]
    store = running.deps.store
    enqueue, json_record, lowercase_record = kit.enqueue, kit.json_record, kit.lowercase_record
    json_items = enqueue(store, [json_record(i) for i in range(24)], "format_violation")
    other_items = enqueue(store, [lowercase_record(i) for i in range(4)], "instruction_violation")

    request = pb.CreateTrainingJobRequest(
        base_model=str(tiny_model), idempotency_key="json-fix-1",
        selection=pb.ItemSelection(subtypes=["format_violation"]), hyperparameters=pb.Hyperparameters(**FAST))
    job = running.training.CreateTrainingJob(request)
    assert job.state == "queued", job.error
    hp = job.hyperparameters
    # Given values are echoed; auto ones come back resolved.
    assert (hp.learning_rate, hp.max_steps, hp.lora_r) == (1e-2, 60, 8)
    assert hp.HasField("epochs") and hp.epochs >= 1 and hp.lora_alpha == 16.0 and list(hp.target_modules) == ["all-linear"]
    report = MessageToDict(job.validation_report)
    assert report["train_examples"] + report["eval_examples"] == 24
    assert not set(report["train_cases"]) & set(report["eval_cases"])
    assert report["preference_pairs"] == report["train_examples"]
    assert report["regression_examples"] == 4
    # Replay (self-distillation) is on by default: auto resolves to half the training split, echoed back, and
    # no replay prompt is one of the regression cases (the 4 lowercase items all sit in the regression set).
    assert hp.HasField("replay") and hp.replay == -(-report["train_examples"] // 2)
    assert report["replay_examples"] == hp.replay and report["replay_sources"] == {"generic-v1": hp.replay}
    # Same idempotency key: the same job, not a second one.
    assert running.training.CreateTrainingJob(request).job_id == job.job_id

    judge = ValidatorRediagnoser(EngineRediagnoser(engine))
    worker = Worker(running.address, tmp_path / "work", judge, lease_seconds=10, poll_seconds=0.2, worker_id="w1")
    with kit.WorkerThread(worker):
        events = list(running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id), timeout=240))
    final = running.training.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
    assert final.state == "succeeded", (final.error, [e.message for e in events[-5:]])

    # Events: gap-free sequence, every step reported with loss, lr, tokens/s and peak memory.
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    progress = [e for e in events if e.kind == "progress"]
    assert [e.step for e in progress] == list(range(1, 61))
    assert all(e.tokens_per_second > 0 and e.peak_memory_bytes > 0 for e in progress)
    # Linear warm-up then decay to zero at the last step.
    assert max(e.learning_rate for e in progress) == 1e-2 and progress[-1].learning_rate == 0.0
    # The random base's frozen head keeps the distribution flat (loss ~4.8 of ln 400 ~ 6), yet the argmax moves.
    assert progress[-1].loss < progress[0].loss - 0.5
    assert any(e.kind == "checkpoint" for e in events)
    assert events[-1].state == "succeeded"

    # The base model answered the replay prompts before LoRA went on; those answers were trained on too.
    replayed = json.loads((tmp_path / "work" / job.job_id / "replay.json").read_text())
    assert len(replayed) == hp.replay and all(r["case_id"].startswith("replay:") for r in replayed)
    metrics = MessageToDict(final.metrics)
    assert metrics["replay_examples"] == sum(bool(r["completion"]) for r in replayed)
    assert metrics["train_examples"] == report["train_examples"] + metrics["replay_examples"]

    # Artifact: a peft adapter plus a manifest that names what went in.
    adapter = Path(final.artifact_path)
    assert (adapter / "adapter_model.safetensors").is_file() and (adapter / "adapter_config.json").is_file()
    manifest = json.loads((adapter.parent / "manifest.json").read_text())
    assert manifest["dataset_hash"] == final.dataset_hash and len(manifest["base_model_sha256"]) == 64
    assert manifest["hyperparameters"]["learning_rate"] == 1e-2 and manifest["seed"] == hp.seed
    assert {"torch", "transformers", "peft"} <= set(manifest["library_versions"])

    # Verification: the random base model never writes JSON; the adapter does, without breaking the others.
    v = MessageToDict(final.verification)
    held = v["held_out"]
    assert held["n"] == report["eval_examples"] and held["before_rate"] == 1.0
    assert held["after_rate"] < held["before_rate"]
    assert held["per_subtype"]["format_violation"]["n"] == held["n"]
    assert v["regression"]["n"] == 4 and v["regression"]["after_rate"] <= v["regression"]["before_rate"] + 0.05
    assert v["decision"]["published"] is True and final.adapter_ready

    # Items whose failure now passes are closed with that evidence; the regression items stay open.
    fixed = {item for f in v["fixed"] for item in f["item_ids"]}
    done = {i.item_id for i in store.list_items("finetune", ("done",))}
    assert final.closed_items == len(fixed) > 0 and done == fixed and fixed <= set(json_items)
    assert not done & set(other_items)
