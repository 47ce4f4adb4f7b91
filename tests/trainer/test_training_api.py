"""TrainingService over a real server: bad input, validation failures, the lifecycle without training,
lease fencing and the worn-out lease rule."""

from __future__ import annotations

import time
from pathlib import Path

import grpc
import pytest
from google.protobuf.json_format import MessageToDict

from server._proto.formfact.v1 import training_pb2 as pb
from server.grpc_errors import field_violations


def _error(fn, request) -> grpc.RpcError:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.RpcError) as info:
        fn(request)
    return info.value


def _queued(running, tiny_model: Path, kit, n: int = 12, key: str = "") -> pb.TrainingJob:  # type: ignore[no-untyped-def]
    kit.enqueue(running.deps.store, [kit.json_record(i) for i in range(n)], "format_violation")
    return running.training.CreateTrainingJob(pb.CreateTrainingJobRequest(
        base_model=str(tiny_model), idempotency_key=key, selection=pb.ItemSelection(subtypes=["format_violation"])))


def test_bad_requests_name_each_field(running, tiny_model: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = pb.CreateTrainingJobRequest(
        base_model=str(tmp_path / "nope"), backend="slurm",
        selection=pb.ItemSelection(subtypes=["hallucination"], min_examples=-1),
        hyperparameters=pb.Hyperparameters(learning_rate=0.0, batch_size=0, lora_dropout=1.5, target_modules=[" "]))
    bad.selection.since.FromSeconds(2000)
    bad.selection.until.FromSeconds(1000)
    err = _error(running.training.CreateTrainingJob, bad)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {f for f, _ in field_violations(err)}
    assert fields == {"base_model", "backend", "selection.subtypes[0]", "selection.min_examples", "selection.until",
                      "hyperparameters.learning_rate", "hyperparameters.batch_size", "hyperparameters.lora_dropout",
                      "hyperparameters.target_modules"}
    assert not running.training.ListTrainingJobs(pb.ListTrainingJobsRequest()).jobs  # nothing half-created

    empty = _error(running.training.CreateTrainingJob, pb.CreateTrainingJobRequest())
    assert [f for f, _ in field_violations(empty)] == ["base_model"]
    # A name too long for the file system made the lookup raise: INTERNAL, found by random requests.
    long = _error(running.training.CreateTrainingJob, pb.CreateTrainingJobRequest(base_model="m" * 3000))
    assert long.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [(f, d[:27]) for f, d in field_violations(long)] == [("base_model", "is no path this machine can")]
    for call, request in [
        (running.training.GetTrainingJob, pb.GetTrainingJobRequest(job_id="tj-missing")),
        (running.training.CancelTrainingJob, pb.CancelTrainingJobRequest(job_id="tj-missing")),
    ]:
        assert _error(call, request).code() == grpc.StatusCode.NOT_FOUND
    watch = running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id="tj-missing"))
    assert _error(list, watch).code() == grpc.StatusCode.NOT_FOUND
    lease = _error(running.training.LeaseTrainingJob, pb.LeaseTrainingJobRequest(worker_id="", lease_seconds=0))
    assert {f for f, _ in field_violations(lease)} == {"worker_id", "lease_seconds"}
    listing = _error(running.training.ListTrainingJobs, pb.ListTrainingJobsRequest(state="done", page_size=9999))
    assert {f for f, _ in field_violations(listing)} == {"state", "page_size"}


def test_too_few_examples_is_a_structured_validation_failure(running, tiny_model: Path, kit) -> None:  # type: ignore[no-untyped-def]
    job = _queued(running, tiny_model, kit, n=4)
    assert job.state == "validation_failed"
    assert job.error.code == "too_few_examples"
    details = MessageToDict(job.error.details)
    assert details["min_examples"] == 8 and details["usable_train"] == 3
    assert MessageToDict(job.validation_report)["items_selected"] == 4
    # A failed validation is not leasable.
    assert not running.training.LeaseTrainingJob(pb.LeaseTrainingJobRequest(worker_id="w", lease_seconds=5)).leased


def test_cancel_queued_job_and_watch_from_a_cursor(running, tiny_model: Path, kit) -> None:  # type: ignore[no-untyped-def]
    job = _queued(running, tiny_model, kit)
    assert job.state == "queued"
    cancelled = running.training.CancelTrainingJob(pb.CancelTrainingJobRequest(job_id=job.job_id))
    assert cancelled.state == "cancelled"
    events = list(running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id), timeout=10))
    assert [(e.seq, e.state) for e in events] == [(1, "validating"), (2, "queued"), (3, "cancelled")]
    tail = list(running.training.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id, after_seq=2), timeout=10))
    assert [e.seq for e in tail] == [3]
    again = running.training.CancelTrainingJob(pb.CancelTrainingJobRequest(job_id=job.job_id))
    assert again.state == "cancelled"  # idempotent


def test_lease_token_fences_workers_and_failures_are_structured(running, tiny_model: Path, kit) -> None:  # type: ignore[no-untyped-def]
    job = _queued(running, tiny_model, kit)
    t = running.training
    lease = t.LeaseTrainingJob(pb.LeaseTrainingJobRequest(worker_id="w1", lease_seconds=30))
    assert lease.leased and lease.job.job_id == job.job_id and lease.job.state == "running"
    assert not t.LeaseTrainingJob(pb.LeaseTrainingJobRequest(worker_id="w2", lease_seconds=30)).leased
    data = t.GetTrainingDataset(pb.GetTrainingDatasetRequest(job_id=job.job_id, lease_token=lease.lease_token))
    assert data.dataset_hash == job.dataset_hash and b'"train"' in data.dataset_json
    for call, request in [
        (t.Heartbeat, pb.HeartbeatRequest(job_id=job.job_id, lease_token="stale", lease_seconds=30)),
        (t.GetTrainingDataset, pb.GetTrainingDatasetRequest(job_id=job.job_id, lease_token="stale")),
        (t.ReportProgress, pb.ReportProgressRequest(job_id=job.job_id, lease_token="stale")),
        (t.CompleteTrainingJob, pb.CompleteTrainingJobRequest(job_id=job.job_id, lease_token="stale")),
    ]:
        assert _error(call, request).code() == grpc.StatusCode.FAILED_PRECONDITION
    beat = t.Heartbeat(pb.HeartbeatRequest(job_id=job.job_id, lease_token=lease.lease_token, lease_seconds=30))
    assert not beat.cancel_requested
    failed = t.FailTrainingJob(pb.FailTrainingJobRequest(
        job_id=job.job_id, lease_token=lease.lease_token,
        error=pb.JobError(code="out_of_memory", message="CUDA out of memory")))
    assert failed.state == "failed" and failed.error.code == "out_of_memory"
    assert _error(t.CancelTrainingJob, pb.CancelTrainingJobRequest(job_id=job.job_id)).code() == grpc.StatusCode.FAILED_PRECONDITION


def test_a_job_whose_workers_keep_dying_fails_instead_of_looping(running, tiny_model: Path, kit) -> None:  # type: ignore[no-untyped-def]
    job = _queued(running, tiny_model, kit)
    for attempt in range(1, running.settings.max_attempts + 1):
        lease = running.training.LeaseTrainingJob(pb.LeaseTrainingJobRequest(worker_id=f"w{attempt}", lease_seconds=1))
        assert lease.leased and lease.job.attempts == attempt
        time.sleep(1.1)  # the worker "dies": no heartbeat
    assert not running.training.LeaseTrainingJob(pb.LeaseTrainingJobRequest(worker_id="last", lease_seconds=1)).leased
    final = running.training.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
    assert final.state == "failed" and final.error.code == "lease_expired"


def test_idempotency_and_listing_pages(running, tiny_model: Path, kit) -> None:  # type: ignore[no-untyped-def]
    first = _queued(running, tiny_model, kit, key="same")
    assert _queued(running, tiny_model, kit, key="same").job_id == first.job_id
    for key in ("a", "b"):
        _queued(running, tiny_model, kit, key=key)
    page = running.training.ListTrainingJobs(pb.ListTrainingJobsRequest(page_size=2))
    rest = running.training.ListTrainingJobs(pb.ListTrainingJobsRequest(page_size=2, page_token=page.next_page_token))
    ids = [j.job_id for j in page.jobs] + [j.job_id for j in rest.jobs]
    assert len(ids) == len(set(ids)) == 3 and not rest.next_page_token
    queued = running.training.ListTrainingJobs(pb.ListTrainingJobsRequest(state="queued"))
    assert len(queued.jobs) == 3
