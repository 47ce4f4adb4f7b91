"""Cancel mid-run, and a worker killed mid-run whose job resumes on another worker from its checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from google.protobuf.json_format import MessageToDict

from server._proto.formfact.v1 import training_pb2 as pb
from trainer import EngineRediagnoser, ValidatorRediagnoser, Worker

ROOT = Path(__file__).resolve().parents[2]


def _create(running, tiny_model: Path, kit, **hp) -> pb.TrainingJob:  # type: ignore[no-untyped-def]
    kit.enqueue(running.deps.store, [kit.json_record(i) for i in range(16)], "format_violation")
    job = running.training.CreateTrainingJob(pb.CreateTrainingJobRequest(
        base_model=str(tiny_model), selection=pb.ItemSelection(subtypes=["format_violation"]),
        hyperparameters=pb.Hyperparameters(learning_rate=1e-2, batch_size=4, lora_r=8, max_new_tokens=12, **hp)))
    assert job.state == "queued", job.error
    return job


def test_cancel_mid_run(running, tiny_model: Path, tmp_path: Path, engine, kit) -> None:  # type: ignore[no-untyped-def]
    job = _create(running, tiny_model, kit, max_steps=5000, checkpoint_every=1000)
    worker = Worker(running.address, tmp_path / "work", ValidatorRediagnoser(EngineRediagnoser(engine)),
                    lease_seconds=6, poll_seconds=0.2)
    seen = []
    with kit.WorkerThread(worker):
        for event in running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id), timeout=120):
            seen.append(event)
            if event.kind == "progress" and event.step == 3:
                cancelled = running.training.CancelTrainingJob(pb.CancelTrainingJobRequest(job_id=job.job_id))
                assert cancelled.cancel_requested and cancelled.state == "running"
    final = running.training.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
    assert final.state == "cancelled" and seen[-1].state == "cancelled"
    steps = [e.step for e in seen if e.kind == "progress"]
    assert 3 <= max(steps) < 5000  # it stopped soon after the request, long before the end
    assert not final.artifact_path and not final.adapter_ready
    assert MessageToDict(final.metrics)["stopped"] is True
    assert not running.deps.store.list_items("finetune", ("done",))


def test_killed_worker_resumes_elsewhere(running, tiny_model: Path, tmp_path: Path, engine, kit) -> None:  # type: ignore[no-untyped-def]
    job = _create(running, tiny_model, kit, max_steps=60, checkpoint_every=5)
    work = tmp_path / "work"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        [sys.executable, "-m", "trainer", "--server", running.address, "--work-dir", str(work),
         "--lease-seconds", "3", "--poll-seconds", "0.2", "--worker-id", "doomed", "--cpu", "--threads", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cursor = 0
        for event in running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id), timeout=180):
            cursor = event.seq
            if event.kind == "checkpoint":
                os.kill(first.pid, signal.SIGKILL)  # no goodbye: the lease just stops being renewed
                break
    finally:
        first.kill()
        first.wait()
    killed_at = running.training.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
    assert killed_at.state == "running" and killed_at.worker_id == "doomed"

    worker = Worker(running.address, work, ValidatorRediagnoser(EngineRediagnoser(engine)), worker_id="rescuer",
                    lease_seconds=6, poll_seconds=0.2)
    with kit.WorkerThread(worker):
        # Resume the watch from the last event seen: no gap, no repeat.
        rest = list(running.training.WatchTrainingJob(
            pb.WatchTrainingJobRequest(job_id=job.job_id, after_seq=cursor), timeout=180))
    assert [e.seq for e in rest] == list(range(cursor + 1, cursor + 1 + len(rest)))
    final = running.training.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
    assert final.state == "succeeded", final.error
    assert final.worker_id == "rescuer" and final.attempts == 2
    resumed = [e for e in rest if e.kind == "checkpoint" and e.message.startswith("resumed from checkpoint")]
    assert len(resumed) == 1
    metrics = MessageToDict(final.metrics)
    assert metrics["resumed_from"].startswith("step-") and metrics["steps"] == 60
    # The rescuer's first step is the one after the checkpoint, not step 1.
    first_step = next(e.step for e in rest if e.kind == "progress")
    assert first_step == int(metrics["resumed_from"].split("-")[1]) + 1 > 1
    assert Path(final.artifact_path, "adapter_model.safetensors").is_file()
