"""DiagnosisService: a thin servicer over the Pipeline and the Store (convert, delegate, map errors)."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import Iterator, Sequence

import grpc

from classifiers.records import LABELS, SUBTYPES, FieldViolation, RecordError
from server import convert
from server._proto.formfact.v1 import diagnosis_pb2, diagnosis_pb2_grpc, records_pb2
from server.config import Settings
from server.errors import InvalidArgument
from server.grpc_errors import handle
from server.pipeline import Pipeline
from server.store.base import DiagnosisFilter

_END = object()


@dataclass
class _Slot:
    index: int
    request: diagnosis_pb2.DiagnoseRequest


class DiagnosisServicer(diagnosis_pb2_grpc.DiagnosisServiceServicer):
    def __init__(self, settings: Settings, pipeline: Pipeline):
        self._settings = settings
        self._pipeline = pipeline

    @handle
    def Diagnose(self, request: diagnosis_pb2.DiagnoseRequest, context: grpc.ServicerContext) -> diagnosis_pb2.DiagnoseResponse:
        record = self._record(request)
        [stored] = self._pipeline.accept([record])
        if isinstance(stored, Exception):
            raise stored  # the edge answers INTERNAL and logs it
        return diagnosis_pb2.DiagnoseResponse(
            diagnosis=convert.diagnosis_to_proto(stored.diagnosis, stored), queue_item_ids=list(stored.item_ids)
        )

    @handle
    def DiagnoseStream(
        self, request_iterator: Iterator[diagnosis_pb2.DiagnoseRequest], context: grpc.ServicerContext
    ) -> Iterator[diagnosis_pb2.DiagnoseStreamResponse]:
        # A reader thread drains the request stream so that records that have already arrived are diagnosed
        # as one batch (one embedding call), while answers still go back in request order.
        inbox: queue.Queue[object] = queue.Queue(maxsize=4 * self._settings.max_batch)

        def read() -> None:
            try:
                for i, req in enumerate(request_iterator):
                    inbox.put(_Slot(i, req))
            except Exception:  # the client went away; the responder stops at _END
                pass
            inbox.put(_END)

        threading.Thread(target=read, name="diagnose-stream-reader", daemon=True).start()
        done = False
        while not done and context.is_active():
            batch = [inbox.get()]
            while len(batch) < self._settings.max_batch and batch[-1] is not _END:
                try:
                    batch.append(inbox.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _END:
                done = True
                batch.pop()
            yield from self._answer(batch)  # type: ignore[arg-type]

    def _answer(self, batch: list[_Slot]) -> Iterator[diagnosis_pb2.DiagnoseStreamResponse]:
        # Each case gets its own answer: a bad record or a case the engine raised on is an error for that
        # index, and the stream goes on with the rest.
        answers: dict[int, diagnosis_pb2.DiagnoseStreamResponse] = {}
        good = []
        for slot in batch:
            try:
                good.append((slot, self._record(slot.request)))
            except InvalidArgument as exc:
                answers[slot.index] = _error(slot, "INVALID_ARGUMENT", str(exc), exc.violations)
        if good:
            outcomes = self._pipeline.accept([r for _, r in good])
            for (slot, _), s in zip(good, outcomes):
                if isinstance(s, Exception):
                    answers[slot.index] = _error(slot, "INTERNAL", f"could not be diagnosed: {type(s).__name__}")
                else:
                    answers[slot.index] = diagnosis_pb2.DiagnoseStreamResponse(
                        index=slot.index, diagnosis=convert.diagnosis_to_proto(s.diagnosis, s))
        for slot in batch:
            yield answers[slot.index]

    @handle
    def GetDiagnosis(self, request: diagnosis_pb2.GetDiagnosisRequest, context: grpc.ServicerContext) -> records_pb2.Diagnosis:
        if not request.id:
            raise InvalidArgument("id is required", (FieldViolation("id", "is required"),))
        stored = self._pipeline.store.get_diagnosis(request.id)
        return convert.diagnosis_to_proto(stored.diagnosis, stored)

    @handle
    def ListDiagnoses(self, request: diagnosis_pb2.ListDiagnosesRequest, context: grpc.ServicerContext) -> diagnosis_pb2.ListDiagnosesResponse:
        bad = []
        if request.label and request.label not in LABELS:
            bad.append(FieldViolation("label", f"must be one of {', '.join(LABELS)}"))
        if request.subtype and request.subtype not in SUBTYPES:
            bad.append(FieldViolation("subtype", "is not a known subtype"))
        if request.route and request.route not in ("rag", "finetune", "review"):
            bad.append(FieldViolation("route", "must be rag, finetune or review"))
        if not 0 <= request.page_size <= 500:
            bad.append(FieldViolation("page_size", "must be between 0 (default 50) and 500"))
        if bad:
            raise InvalidArgument("invalid list request", tuple(bad))
        flt = DiagnosisFilter(
            label=request.label or None,
            subtype=request.subtype or None,
            route=request.route or None,
            model=request.model or None,
            since=convert.from_timestamp(request.since, request.HasField("since")),
            until=convert.from_timestamp(request.until, request.HasField("until")),
        )
        page = self._pipeline.store.list_diagnoses(flt, request.page_size or 50, request.page_token)
        return diagnosis_pb2.ListDiagnosesResponse(
            diagnoses=[convert.diagnosis_to_proto(s.diagnosis, s) for s in page.items],
            next_page_token=page.next_token,
        )

    @handle
    def SubmitFeedback(self, request: diagnosis_pb2.SubmitFeedbackRequest, context: grpc.ServicerContext) -> diagnosis_pb2.SubmitFeedbackResponse:
        bad = []
        if not request.id:
            bad.append(FieldViolation("id", "is required"))
        if request.label not in LABELS or request.label == "unknown":
            bad.append(FieldViolation("label", "must be information, behavior or both"))
        unknown = [s for s in request.subtypes if s not in SUBTYPES]
        if unknown:
            bad.append(FieldViolation("subtypes", f"unknown subtypes: {', '.join(unknown)}"))
        if len(request.comment) > self._settings.limits.max_item_chars:
            bad.append(FieldViolation("comment", f"is longer than {self._settings.limits.max_item_chars} characters"))
        if bad:
            raise InvalidArgument("invalid feedback", tuple(bad))
        fb = self._pipeline.store.add_feedback(
            request.id, request.label, list(request.subtypes), request.comment, request.author
        )
        return diagnosis_pb2.SubmitFeedbackResponse(feedback_id=fb.feedback_id)

    def _record(self, request: diagnosis_pb2.DiagnoseRequest):  # type: ignore[no-untyped-def]
        if not request.HasField("record"):
            raise InvalidArgument("record is required", (FieldViolation("record", "is required"),))
        try:
            return convert.record_from_proto(request.record, self._settings.limits)
        except RecordError as exc:
            raise InvalidArgument.from_record_error(exc) from exc


def _error(slot: _Slot, code: str, message: str,
           violations: Sequence[FieldViolation] = ()) -> diagnosis_pb2.DiagnoseStreamResponse:
    return diagnosis_pb2.DiagnoseStreamResponse(
        index=slot.index,
        error=records_pb2.RecordError(
            id=slot.request.record.id, code=code, message=message,
            violations=[records_pb2.FieldViolation(field=v.field, description=v.description) for v in violations],
        ),
    )
