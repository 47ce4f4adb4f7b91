"""AdminService: retrain the classifier from seed data plus people's feedback, hot-swap, roll back.

A retrained candidate is measured against the running engine on a held-out share of the same records
(split by content hash, never trained on by the candidate); the server switches to it only when it is not
worse, unless the caller forces it. Every diagnosis records the `classifier_version` that made it, so a
swap is visible in the stored history.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import grpc

from classifiers.records import LabelledRecord
from server import convert
from server._proto.formfact.v1 import admin_pb2, admin_pb2_grpc
from server.config import Settings
from server.errors import Conflict, InvalidArgument, NotFound
from server.grpc_errors import handle
from server.pipeline import Pipeline
from server.store.base import ClassifierVersion

log = logging.getLogger(__name__)

DEFAULT_VERSION = "default"
HELDOUT_SHARE = 0.2


def training_records(settings: Settings, pipeline: Pipeline) -> tuple[list[LabelledRecord], int]:
    """Seed data plus feedback (a correction replaces the seed label of the same case id)."""
    from classifiers.training import read_labelled_jsonl

    if settings.seed_data is None:
        raise Conflict("no seed data configured: set FORMFACT_SEED_DATA to a labelled JSONL file")
    if not Path(settings.seed_data).is_file():
        raise Conflict(f"seed data file {settings.seed_data} does not exist")
    seed = read_labelled_jsonl(Path(settings.seed_data))
    feedback = {
        fb.case_id: LabelledRecord(fb.record, fb.label, tuple(fb.subtypes))
        for fb in pipeline.store.list_feedback()
        if fb.record is not None
    }
    merged = [r for r in seed if r.record.id not in feedback] + list(feedback.values())
    return merged, len(feedback)


def split_heldout(records: list[LabelledRecord], seed: int) -> tuple[list[LabelledRecord], list[LabelledRecord]]:
    """A stable split by content hash: the same case is always on the same side for a given seed."""
    def bucket(r: LabelledRecord) -> float:
        digest = hashlib.sha256(f"{seed}:{r.record.fingerprint()}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32

    train = [r for r in records if bucket(r) >= HELDOUT_SHARE]
    held = [r for r in records if bucket(r) < HELDOUT_SHARE]
    return train, held


def _version_proto(v: ClassifierVersion) -> admin_pb2.ClassifierVersion:
    msg = admin_pb2.ClassifierVersion(version=v.version, active=v.active, metrics_json=json.dumps(v.metrics),
                                      feedback_count=v.feedback_count)
    msg.created_at.CopyFrom(convert.timestamp(v.created_at))
    return msg


class AdminServicer(admin_pb2_grpc.AdminServiceServicer):
    def __init__(self, settings: Settings, pipeline: Pipeline):
        self._settings = settings
        self._pipeline = pipeline
        self._busy = threading.Lock()

    @handle
    def RetrainClassifier(self, request: admin_pb2.RetrainClassifierRequest,
                          context: grpc.ServicerContext) -> Iterator[admin_pb2.RetrainEvent]:
        if not self._busy.acquire(blocking=False):
            raise Conflict("a retraining is already running")
        try:
            events: queue.Queue[Any] = queue.Queue()
            worker = threading.Thread(target=self._retrain, args=(request, events), daemon=True)
            worker.start()
            while True:
                event = events.get()
                if isinstance(event, Exception):
                    raise event
                yield event
                if event.stage == "done":
                    break
            worker.join()
        finally:
            self._busy.release()

    def _retrain(self, request: admin_pb2.RetrainClassifierRequest, events: queue.Queue[Any]) -> None:
        try:
            self._run_retrain(request, events)
        except Exception as exc:  # noqa: BLE001 - handed to the RPC thread, which maps it to a status
            events.put(exc)

    def _run_retrain(self, request: admin_pb2.RetrainClassifierRequest, events: queue.Queue[Any]) -> None:
        from classifiers import load_engine
        from classifiers.training import compare, train_model

        def emit(stage: str, fraction: float, message: str, **extra: Any) -> None:
            events.put(admin_pb2.RetrainEvent(stage=stage, fraction=fraction, message=message, **extra))

        emit("collecting", 0.0, "reading seed data and feedback")
        records, n_feedback = training_records(self._settings, self._pipeline)
        train, held = split_heldout(records, request.seed)
        emit("training", 0.1, f"training on {len(train)} records ({n_feedback} from feedback), "
                              f"{len(held)} held out")
        version_dir = self._settings.resolved_models_dir() / time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        steps = iter((0.4, 0.7))
        result = train_model(train, version_dir, seed=request.seed,
                             progress=lambda _n: emit("training", next(steps, 0.7), "fitting"))
        emit("evaluating", 0.8, f"comparing {result.version} with {self._pipeline.engine.version} "
                                f"on {len(held)} held-out records")
        candidate = load_engine(version_dir)
        not_worse = compare(candidate, self._pipeline.engine, held)
        metrics = {k: float(v) for k, v in result.figures.items()}
        stored = self._pipeline.store.save_classifier_version(result.version, str(version_dir), metrics, n_feedback)
        activated = bool(not_worse or request.force)
        if activated:
            self._pipeline.store.activate_classifier_version(result.version)
            self._pipeline.engine = candidate  # one attribute store: requests see the old or the new engine
            stored = next(v for v in self._pipeline.store.list_classifier_versions() if v.version == result.version)
        log.info("retrained classifier %s: %s", result.version, "activated" if activated else "kept previous")
        emit("done", 1.0, "activated" if activated else "worse on the held-out set: kept the running version",
             candidate=_version_proto(stored), activated=activated, active_version=self._pipeline.engine.version)

    @handle
    def ListClassifierVersions(self, request: admin_pb2.ListClassifierVersionsRequest,
                               context: grpc.ServicerContext) -> admin_pb2.ListClassifierVersionsResponse:
        return admin_pb2.ListClassifierVersionsResponse(
            versions=[_version_proto(v) for v in self._pipeline.store.list_classifier_versions()])

    @handle
    def ActivateClassifierVersion(self, request: admin_pb2.ActivateClassifierVersionRequest,
                                  context: grpc.ServicerContext) -> admin_pb2.ClassifierVersion:
        from classifiers import load_engine
        from classifiers.records import FieldViolation

        if not request.version:
            raise InvalidArgument("version is required", (FieldViolation("version", "is required"),))
        if request.version == DEFAULT_VERSION:
            self._pipeline.store.activate_classifier_version(None)
            self._pipeline.engine = load_engine(self._settings.classifier_dir)
            return admin_pb2.ClassifierVersion(version=self._pipeline.engine.version, active=True)
        versions = {v.version: v for v in self._pipeline.store.list_classifier_versions()}
        if request.version not in versions:
            raise NotFound(f"no classifier version {request.version!r}")
        engine = load_engine(Path(versions[request.version].path))
        self._pipeline.store.activate_classifier_version(request.version)
        self._pipeline.engine = engine
        return _version_proto(next(v for v in self._pipeline.store.list_classifier_versions()
                                   if v.version == request.version))


def active_engine_dir(settings: Settings, versions: list[ClassifierVersion]) -> Path | None:
    """The model directory to load at start-up: an explicit one, else the active retrained version."""
    if settings.classifier_dir is not None:
        return settings.classifier_dir
    active = [v for v in versions if v.active]
    return Path(active[0].path) if active else None
