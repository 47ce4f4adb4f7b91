"""TrainingService: the gRPC face of training jobs, for clients and for trainer workers.

Thin by design: it validates requests, converts proto <-> plain dicts (here only), and delegates to the
dataset builder, the job store and the publish rule. `install` plugs it into the server (see server/app.py).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Iterator, Mapping

import grpc
from google.protobuf import json_format, struct_pb2, timestamp_pb2

from classifiers.records import BEHAVIOR_SUBTYPES, FieldViolation
from server._proto.formfact.v1 import training_pb2, training_pb2_grpc
from server.config import Settings
from server.errors import InvalidArgument
from server.grpc_errors import handle
from server.store.base import Store
from server.training import dataset as datasets
from server.training import hyperparams
from server.training.jobs import STATES, TERMINAL, JobRecord, JobStore
from server.training.verdict import decide

log = logging.getLogger(__name__)

BACKENDS = ("local", "accelerate", "torchrun")
MAX_LEASE_SECONDS = 3600.0
WATCH_POLL_SECONDS = 0.5
_HP_OPTIONAL = tuple(f.name for f in training_pb2.Hyperparameters.DESCRIPTOR.fields if f.name != "target_modules")


# -- conversion --------------------------------------------------------------------------------------------

def _struct(data: Mapping[str, Any] | None) -> struct_pb2.Struct:
    msg = struct_pb2.Struct()
    if data:
        json_format.ParseDict(json.loads(json.dumps(data, default=str)), msg)
    return msg


def _dict(msg: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(msg)


def _ts(seconds: float) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def _selection_from_proto(msg: training_pb2.ItemSelection) -> datasets.Selection:
    return datasets.Selection(
        subtypes=tuple(msg.subtypes), models=tuple(msg.models),
        since=msg.since.ToDatetime().astimezone() if msg.HasField("since") else None,
        until=msg.until.ToDatetime().astimezone() if msg.HasField("until") else None,
        min_examples=msg.min_examples, max_examples=msg.max_examples, include_deferred=msg.include_deferred,
    )


def _selection_to_proto(sel: datasets.Selection) -> training_pb2.ItemSelection:
    msg = training_pb2.ItemSelection(
        subtypes=sel.subtypes, models=sel.models, min_examples=sel.min_examples,
        max_examples=sel.max_examples, include_deferred=sel.include_deferred,
    )
    if sel.since:
        msg.since.FromDatetime(sel.since)
    if sel.until:
        msg.until.FromDatetime(sel.until)
    return msg


def _given(msg: training_pb2.Hyperparameters) -> dict[str, Any]:
    """The explicitly set hyperparameters (unset optional fields are `auto`)."""
    out: dict[str, Any] = {name: getattr(msg, name) for name in _HP_OPTIONAL if msg.HasField(name)}
    if msg.target_modules:
        out["target_modules"] = list(msg.target_modules)
    return out


def _hp_to_proto(hp: Mapping[str, Any]) -> training_pb2.Hyperparameters:
    msg = training_pb2.Hyperparameters(target_modules=list(hp.get("target_modules") or ()))
    for f in training_pb2.Hyperparameters.DESCRIPTOR.fields:
        if f.name in _HP_OPTIONAL and hp.get(f.name) is not None:
            setattr(msg, f.name, float(hp[f.name]) if f.type == f.TYPE_DOUBLE else int(hp[f.name]))
    return msg


def job_to_proto(job: JobRecord) -> training_pb2.TrainingJob:
    result = job.result
    msg = training_pb2.TrainingJob(
        job_id=job.job_id, state=job.state, base_model=job.base_model,
        selection=_selection_to_proto(datasets.Selection.from_dict(job.spec.get("selection") or {})),
        hyperparameters=_hp_to_proto(job.spec.get("hyperparameters") or job.spec.get("given") or {}),
        idempotency_key=job.idempotency_key, validation_report=_struct(job.report), worker_id=job.worker_id,
        attempts=job.attempts, cancel_requested=job.cancel_requested, metrics=_struct(result.get("metrics")),
        verification=_struct(result.get("verification")), artifact_path=result.get("artifact_path", ""),
        manifest=_struct(result.get("manifest")), adapter_ready=job.adapter_ready, closed_items=job.closed_items,
        created_at=_ts(job.created_at), updated_at=_ts(job.updated_at), last_event_seq=job.last_event_seq,
        backend=job.backend, dataset_hash=job.dataset_hash,
    )
    if job.error:
        msg.error.CopyFrom(training_pb2.JobError(
            code=job.error.get("code", ""), message=job.error.get("message", ""),
            details=_struct(job.error.get("details"))))
    return msg


_EVENT_NUMBERS = ("step", "total_steps", "epoch", "loss", "learning_rate", "tokens_per_second", "peak_memory_bytes")


def event_from_proto(msg: training_pb2.TrainingEvent) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": msg.kind or "log", "message": msg.message}
    for name in _EVENT_NUMBERS:
        if getattr(msg, name):
            body[name] = getattr(msg, name)
    if msg.details.fields:
        body["details"] = _dict(msg.details)
    return body


def event_to_proto(job_id: str, seq: int, created_at: float, state: str, body: Mapping[str, Any]) -> training_pb2.TrainingEvent:
    msg = training_pb2.TrainingEvent(
        seq=seq, job_id=job_id, time=_ts(created_at), kind=body.get("kind", ""), state=state,
        message=str(body.get("message", "")), details=_struct(body.get("details")),
    )
    for name in _EVENT_NUMBERS:
        if body.get(name) is not None:
            setattr(msg, name, type(getattr(msg, name))(body[name]))
    return msg


# -- validation --------------------------------------------------------------------------------------------

def _base_model_problem(path: Path) -> str | None:
    """What is wrong with a base model's path, or None: a model directory (with its config.json) or a .gguf file."""
    try:
        if path.is_dir():
            return None if (path / "config.json").is_file() else f"directory {path} has no config.json"
        if path.is_file() and path.suffix == ".gguf":
            return None
    except OSError as exc:  # a name too long for the file system, say; it was an INTERNAL error
        return f"is no path this machine can look up ({exc.strerror or exc})"
    return f"{path} is neither a model directory nor a .gguf file"


def _check_create(request: training_pb2.CreateTrainingJobRequest) -> None:
    bad: list[FieldViolation] = []
    base = request.base_model.strip()
    if not base:
        bad.append(FieldViolation("base_model", "is required: a Hugging Face model directory or a .gguf file"))
    elif (problem := _base_model_problem(Path(base))) is not None:
        bad.append(FieldViolation("base_model", problem))
    if request.backend and request.backend not in BACKENDS:
        bad.append(FieldViolation("backend", f"must be one of {', '.join(BACKENDS)}"))
    sel = request.selection
    for i, s in enumerate(sel.subtypes):
        if s not in BEHAVIOR_SUBTYPES:
            bad.append(FieldViolation(f"selection.subtypes[{i}]", f"must be a behavior subtype ({', '.join(BEHAVIOR_SUBTYPES)})"))
    if sel.min_examples < 0:
        bad.append(FieldViolation("selection.min_examples", "must not be negative"))
    if sel.max_examples < 0:
        bad.append(FieldViolation("selection.max_examples", "must not be negative"))
    if sel.HasField("since") and sel.HasField("until") and sel.since.ToNanoseconds() >= sel.until.ToNanoseconds():
        bad.append(FieldViolation("selection.until", "must be after selection.since"))
    if len(request.idempotency_key) > 256:
        bad.append(FieldViolation("idempotency_key", "is longer than 256 characters"))
    try:
        hyperparams.check(_given(request.hyperparameters))
    except InvalidArgument as exc:
        bad.extend(exc.violations)
    if bad:
        raise InvalidArgument("invalid training job", tuple(bad))


def _require(value: str, name: str) -> None:
    if not value:
        raise InvalidArgument(f"{name} is required", (FieldViolation(name, "is required"),))


# -- servicer ----------------------------------------------------------------------------------------------

class TrainingServicer(training_pb2_grpc.TrainingServiceServicer):
    def __init__(self, settings: Settings, store: Store, jobs: JobStore):
        self._settings = settings
        self._store = store
        self._jobs = jobs

    @handle
    def CreateTrainingJob(self, request: training_pb2.CreateTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.TrainingJob:
        _check_create(request)
        selection = _selection_from_proto(request.selection)
        given = _given(request.hyperparameters)
        spec = {"selection": selection.to_dict(), "given": given}
        job, created = self._jobs.create(request.idempotency_key, request.base_model.strip(),
                                         request.backend or "local", spec)
        if not created:
            return job_to_proto(job)
        items = self._store.list_items("finetune", ("ready", "leased"))
        built = datasets.build(items, selection, given)
        blob, digest = built.to_json()
        spec["hyperparameters"] = built.hyperparameters.to_dict()
        state = "validation_failed" if built.error else "queued"
        job = self._jobs.set_validated(job.job_id, state, spec, built.report,
                                       None if built.error else blob, digest, built.error)
        return job_to_proto(job)

    @handle
    def GetTrainingJob(self, request: training_pb2.GetTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.TrainingJob:
        _require(request.job_id, "job_id")
        return job_to_proto(self._jobs.get(request.job_id))

    @handle
    def ListTrainingJobs(self, request: training_pb2.ListTrainingJobsRequest, context: grpc.ServicerContext) -> training_pb2.ListTrainingJobsResponse:
        bad = []
        if request.state and request.state not in STATES:
            bad.append(FieldViolation("state", f"must be one of {', '.join(STATES)}"))
        if not 0 <= request.page_size <= 500:
            bad.append(FieldViolation("page_size", "must be between 0 and 500"))
        try:
            if request.page_token:
                float(request.page_token.partition(":")[0])
        except ValueError:
            bad.append(FieldViolation("page_token", "is not a token this server issued"))
        if bad:
            raise InvalidArgument("invalid list request", tuple(bad))
        jobs, token = self._jobs.list_jobs(request.state, request.page_size or 50, request.page_token)
        return training_pb2.ListTrainingJobsResponse(jobs=[job_to_proto(j) for j in jobs], next_page_token=token)

    @handle
    def CancelTrainingJob(self, request: training_pb2.CancelTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.TrainingJob:
        _require(request.job_id, "job_id")
        return job_to_proto(self._jobs.request_cancel(request.job_id))

    @handle
    def WatchTrainingJob(self, request: training_pb2.WatchTrainingJobRequest, context: grpc.ServicerContext) -> Iterator[training_pb2.TrainingEvent]:
        _require(request.job_id, "job_id")
        if request.after_seq < 0:
            raise InvalidArgument("after_seq must not be negative", (FieldViolation("after_seq", "must be >= 0"),))
        self._jobs.get(request.job_id)  # NotFound before the stream starts
        cursor = request.after_seq
        while context.is_active():
            events = self._jobs.events_after(request.job_id, cursor)
            for e in events:
                cursor = e.seq
                yield event_to_proto(e.job_id, e.seq, e.created_at, e.state, e.body)
            if not events:
                if self._jobs.get(request.job_id).state in TERMINAL:
                    # The terminal state event is written in the same transaction as the state, so an
                    # empty read after seeing a terminal state means the stream is complete.
                    if not self._jobs.events_after(request.job_id, cursor):
                        return
                    continue
                self._jobs.wait_for_change(WATCH_POLL_SECONDS)

    # -- worker side ---------------------------------------------------------------------------------------

    @handle
    def LeaseTrainingJob(self, request: training_pb2.LeaseTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.LeaseTrainingJobResponse:
        bad = []
        if not request.worker_id:
            bad.append(FieldViolation("worker_id", "is required"))
        if not 1 <= request.lease_seconds <= MAX_LEASE_SECONDS:
            bad.append(FieldViolation("lease_seconds", f"must be between 1 and {MAX_LEASE_SECONDS:g}"))
        if bad:
            raise InvalidArgument("invalid lease request", tuple(bad))
        leased = self._jobs.lease(request.worker_id, request.lease_seconds, self._settings.max_attempts)
        if leased is None:
            return training_pb2.LeaseTrainingJobResponse(leased=False)
        job, token = leased
        return training_pb2.LeaseTrainingJobResponse(
            leased=True, job=job_to_proto(job), lease_token=token, lease_expires_at=_ts(job.lease_expires_at or 0))

    @handle
    def Heartbeat(self, request: training_pb2.HeartbeatRequest, context: grpc.ServicerContext) -> training_pb2.HeartbeatResponse:
        _require(request.job_id, "job_id")
        if not 1 <= request.lease_seconds <= MAX_LEASE_SECONDS:
            raise InvalidArgument("invalid heartbeat", (FieldViolation("lease_seconds", "must be between 1 and 3600"),))
        job = self._jobs.heartbeat(request.job_id, request.lease_token, request.lease_seconds)
        return training_pb2.HeartbeatResponse(cancel_requested=job.cancel_requested,
                                              lease_expires_at=_ts(job.lease_expires_at or 0))

    @handle
    def GetTrainingDataset(self, request: training_pb2.GetTrainingDatasetRequest, context: grpc.ServicerContext) -> training_pb2.TrainingDataset:
        _require(request.job_id, "job_id")
        self._jobs.holder(request.job_id, request.lease_token)
        blob, digest = self._jobs.dataset(request.job_id)
        return training_pb2.TrainingDataset(job_id=request.job_id, dataset_hash=digest, dataset_json=blob.encode("utf-8"))

    @handle
    def ReportProgress(self, request: training_pb2.ReportProgressRequest, context: grpc.ServicerContext) -> training_pb2.ReportProgressResponse:
        _require(request.job_id, "job_id")
        job = self._jobs.append_events(request.job_id, request.lease_token, [event_from_proto(e) for e in request.events])
        return training_pb2.ReportProgressResponse(cancel_requested=job.cancel_requested, last_event_seq=job.last_event_seq)

    @handle
    def CompleteTrainingJob(self, request: training_pb2.CompleteTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.TrainingJob:
        _require(request.job_id, "job_id")
        job = self._jobs.holder(request.job_id, request.lease_token)
        verification = _dict(request.verification)
        result: dict[str, Any] = {"metrics": _dict(request.metrics), "verification": verification,
                                  "artifact_path": request.artifact_path, "manifest": _dict(request.manifest)}
        if request.cancelled:
            done = self._jobs.finish(job.job_id, request.lease_token, "cancelled", None, result, False, 0,
                                     "cancelled by request; the worker stopped")
            return job_to_proto(done)
        threshold = float((job.spec.get("hyperparameters") or {}).get("regression_threshold", 0.05))
        verdict = decide(verification, threshold)
        verification["decision"] = verdict.to_dict()

        def close() -> int:
            closed = 0
            for fixed in verdict.fixed:
                note = (f"fixed by training job {job.job_id} (adapter {request.artifact_path}): "
                        f"{fixed.get('evidence') or 'the re-diagnosis no longer flags the failure'}")
                closed += self._store.close_items(list(fixed["item_ids"]), note)
            return closed

        message = ("adapter published: " if verdict.published else "adapter withheld: ") + "; ".join(verdict.reasons)
        done = self._jobs.finish(job.job_id, request.lease_token, "succeeded", None, result, verdict.published, 0,
                                 message, close=close)
        return job_to_proto(done)

    @handle
    def FailTrainingJob(self, request: training_pb2.FailTrainingJobRequest, context: grpc.ServicerContext) -> training_pb2.TrainingJob:
        _require(request.job_id, "job_id")
        error: dict[str, Any] = {"code": request.error.code or "training_error", "message": request.error.message or "the worker failed",
                 "details": _dict(request.error.details)}
        done = self._jobs.finish(request.job_id, request.lease_token, "failed", error, {}, False, 0, error["message"])
        return job_to_proto(done)


def job_db_path(db_path: Path | str) -> Path:
    """The SQLite file for the job tables: the service's own file, or beside the process for PostgreSQL.

    Job tables are SQLite-only for now; a PostgreSQL deployment keeps them in a local file (one replica
    serves TrainingService), which `install` logs.
    """
    raw = str(db_path)
    if raw.startswith("sqlite:///"):
        return Path(raw[len("sqlite:///"):])
    if "://" not in raw:
        return Path(raw)
    log.warning("training jobs use SQLite; %s is not a SQLite path, using ./formfact-training.db", raw.split("@")[-1])
    return Path("formfact-training.db")


def install(server: grpc.Server, settings: Settings, deps: Any) -> list[str]:
    """Add TrainingService to `server`, with its own job tables in the service's SQLite file."""
    jobs = JobStore(job_db_path(settings.db_path))
    training_pb2_grpc.add_TrainingServiceServicer_to_server(TrainingServicer(settings, deps.store, jobs), server)
    deps.closers.append(jobs.close)
    return [training_pb2.DESCRIPTOR.services_by_name["TrainingService"].full_name]
