"""The worker's side of TrainingService: grpc + the generated stubs, converted to plain data here only.

A GPU node running the worker needs no database access and no server code beyond these stubs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import grpc
from google.protobuf import json_format, struct_pb2

from server._proto.formfact.v1 import training_pb2, training_pb2_grpc
from trainer.spec import Hyper, JobSpec


def _struct(data: Mapping[str, Any] | None) -> struct_pb2.Struct:
    msg = struct_pb2.Struct()
    if data:
        json_format.ParseDict(json.loads(json.dumps(data, default=str)), msg)
    return msg


@dataclass(frozen=True)
class Lease:
    spec: JobSpec
    token: str
    attempts: int


def spec_from_job(job: training_pb2.TrainingJob) -> JobSpec:
    hp = json_format.MessageToDict(job.hyperparameters, preserving_proto_field_name=True)
    return JobSpec(job.job_id, job.base_model, job.backend or "local", Hyper.from_dict(hp),
                   tuple(job.selection.subtypes))


def _event(body: Mapping[str, Any]) -> training_pb2.TrainingEvent:
    msg = training_pb2.TrainingEvent(kind=str(body.get("kind", "log")), message=str(body.get("message", "")))
    for name in ("step", "total_steps", "peak_memory_bytes"):
        if body.get(name) is not None:
            setattr(msg, name, int(body[name]))
    for name in ("epoch", "loss", "learning_rate", "tokens_per_second"):
        if body.get(name) is not None:
            setattr(msg, name, float(body[name]))
    if body.get("details"):
        msg.details.CopyFrom(_struct(body["details"]))
    return msg


class TrainingClient:
    """Blocking calls with a per-call timeout; errors surface as grpc.RpcError."""

    def __init__(self, target: str, timeout: float = 60.0, channel: grpc.Channel | None = None):
        options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        self.channel = channel or grpc.insecure_channel(target, options=options)
        self.stub = training_pb2_grpc.TrainingServiceStub(self.channel)
        self.timeout = timeout

    def close(self) -> None:
        self.channel.close()

    def lease(self, worker_id: str, lease_seconds: float) -> Lease | None:
        r = self.stub.LeaseTrainingJob(
            training_pb2.LeaseTrainingJobRequest(worker_id=worker_id, lease_seconds=lease_seconds), timeout=self.timeout)
        return Lease(spec_from_job(r.job), r.lease_token, r.job.attempts) if r.leased else None

    def heartbeat(self, job_id: str, token: str, lease_seconds: float) -> bool:
        """Extends the lease; returns whether cancel was requested."""
        r = self.stub.Heartbeat(training_pb2.HeartbeatRequest(job_id=job_id, lease_token=token,
                                                              lease_seconds=lease_seconds), timeout=self.timeout)
        return r.cancel_requested

    def dataset(self, job_id: str, token: str) -> tuple[dict[str, Any], str]:
        r = self.stub.GetTrainingDataset(training_pb2.GetTrainingDatasetRequest(job_id=job_id, lease_token=token),
                                         timeout=self.timeout)
        return json.loads(r.dataset_json.decode("utf-8")), r.dataset_hash

    def report(self, job_id: str, token: str, bodies: Sequence[Mapping[str, Any]]) -> bool:
        """Posts events; returns whether cancel was requested."""
        r = self.stub.ReportProgress(training_pb2.ReportProgressRequest(
            job_id=job_id, lease_token=token, events=[_event(b) for b in bodies]), timeout=self.timeout)
        return r.cancel_requested

    def complete(self, job_id: str, token: str, cancelled: bool, metrics: Mapping[str, Any],
                 verification: Mapping[str, Any], artifact_path: str, manifest: Mapping[str, Any]) -> training_pb2.TrainingJob:
        return self.stub.CompleteTrainingJob(training_pb2.CompleteTrainingJobRequest(
            job_id=job_id, lease_token=token, cancelled=cancelled, metrics=_struct(metrics),
            verification=_struct(verification), artifact_path=artifact_path, manifest=_struct(manifest)),
            timeout=self.timeout)

    def fail(self, job_id: str, token: str, code: str, message: str, details: Mapping[str, Any]) -> training_pb2.TrainingJob:
        return self.stub.FailTrainingJob(training_pb2.FailTrainingJobRequest(
            job_id=job_id, lease_token=token,
            error=training_pb2.JobError(code=code, message=message, details=_struct(details))), timeout=self.timeout)
