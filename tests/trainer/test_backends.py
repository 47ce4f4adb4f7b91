"""The training entry point under a launcher (torchrun and accelerate, one CPU rank) and on CUDA with bf16 (skipped without
a GPU). Both call `run_job` directly: the gRPC side is covered by the path tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.training import Selection, build
from server.store.base import QueueItem
from trainer import Hyper, JobSpec, LauncherBackend, LocalBackend, ValidatorRediagnoser


class _NoEngine:
    """Every demo case here is JSON, judged by the validators; reaching the engine would be a bug."""

    name = "no-engine"

    def judge(self, examples, outputs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"engine fallback reached for {[e['case_id'] for e in examples]}")


def _dataset(kit) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    from classifiers.records import Diagnosis
    from server import router

    items = []
    for i in range(12):
        rec = kit.json_record(i)
        d = Diagnosis(rec.id, "behavior", ("format_violation",), 0.9, "finetune", (), "", "t")
        items.append(QueueItem(f"it{i}", "finetune", rec.id, "r", router.finetune_payload(rec, d), 0, "ready",
                               False, datetime.now(timezone.utc)))
    built = build(items, Selection(subtypes=("format_violation",)), {})
    blob, digest = built.to_json()
    return json.loads(blob), digest


def _spec(tiny_model: Path, backend: str, **hp) -> JobSpec:  # type: ignore[no-untyped-def]
    hyper = Hyper(learning_rate=1e-2, batch_size=4, lora_r=8, max_new_tokens=8, checkpoint_every=100, **hp)
    return JobSpec("tj-test", str(tiny_model), backend, hyper, ("format_violation",))


@pytest.mark.parametrize("launcher", ["torchrun", "accelerate"])
def test_launcher_relays_events_and_outcome(launcher: str, tiny_model: Path, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    dataset, digest = _dataset(kit)
    events: list[dict] = []
    outcome = LauncherBackend(launcher, processes=1, poll_seconds=0.2).run(
        _spec(tiny_model, launcher, max_steps=6), dataset, digest, tmp_path / "job", events.append, lambda: False)
    assert not outcome.cancelled and outcome.metrics["steps"] == 6 and outcome.metrics["world_size"] == 1
    assert [e["step"] for e in events if e["kind"] == "progress"] == [1, 2, 3, 4, 5, 6]
    assert Path(outcome.artifact_path, "adapter_model.safetensors").is_file()
    assert outcome.manifest["backend"] == launcher and outcome.manifest["dataset_hash"] == digest
    assert outcome.verification["held_out"]["n"] == len(dataset["eval"])


@pytest.mark.gpu
def test_cuda_bf16_training(tiny_model: Path, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    dataset, digest = _dataset(kit)
    events: list[dict] = []
    outcome = LocalBackend(ValidatorRediagnoser(_NoEngine())).run(
        _spec(tiny_model, "local", max_steps=20), dataset, digest, tmp_path / "job", events.append, lambda: False)
    assert outcome.metrics["device"] == "cuda" and outcome.metrics["dtype"] in ("bfloat16", "float16")
    assert outcome.manifest["dtype"] == outcome.metrics["dtype"]
    progress = [e for e in events if e["kind"] == "progress"]
    assert len(progress) == 20 and progress[-1]["peak_memory_bytes"] > 0
    assert outcome.verification["held_out"]["n"] == len(dataset["eval"])


def test_launcher_cancel_reaches_the_child(tiny_model: Path, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    dataset, digest = _dataset(kit)
    events: list[dict] = []
    outcome = LauncherBackend("torchrun", processes=1, poll_seconds=0.2).run(
        _spec(tiny_model, "torchrun", max_steps=100_000), dataset, digest, tmp_path / "job", events.append,
        lambda: any(e["kind"] == "progress" for e in events))
    assert outcome.cancelled and outcome.metrics["stopped"] is True
    assert 1 <= outcome.metrics["steps"] < 100_000 and not outcome.artifact_path
    assert (tmp_path / "job" / "CANCEL").exists()


class _Recording:
    """A fallback judge that says which cases reached it."""

    name = "recording"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def judge(self, examples, outputs):  # type: ignore[no-untyped-def]
        from trainer.rediagnose import Finding

        self.seen += [e["case_id"] for e in examples]
        return [Finding(True, ("format_violation",), "fallback") for _ in examples]


def test_a_format_without_a_validator_goes_to_the_fallback_judge() -> None:
    fallback = _Recording()
    examples = [{"case_id": "t", "messages": [{"role": "user", "content": "Write the config as TOML."}],
                 "expected_format": "toml", "subtypes": ["format_violation"]},
                {"case_id": "j", "messages": [{"role": "user", "content": "Return JSON."}],
                 "expected_format": "json", "subtypes": ["format_violation"]}]
    toml_finding, json_finding = ValidatorRediagnoser(fallback).judge(examples, ["name = 'x'", '{"a": 1}'])
    # The JSON case is settled by its validator; only the TOML one, which no validator reads, falls back.
    assert fallback.seen == ["t"]
    assert toml_finding.evidence == "fallback"
    assert not json_finding.failing and json_finding.evidence != "fallback"
