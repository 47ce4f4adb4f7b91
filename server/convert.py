"""Proto messages <-> domain dataclasses. The only module (with the servicers) that touches generated stubs."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2

from classifiers.records import Diagnosis, Evidence, FailureRecord, Limits, parse_record
from server._proto.formfact.v1 import queue_pb2, records_pb2
from server.store.base import QueueItem, QueueStats, StoredDiagnosis


def record_from_proto(msg: records_pb2.FailureRecord, limits: Limits) -> FailureRecord:
    """Validate and convert; raises RecordError naming each bad field (as in the JSONL path)."""
    data: dict[str, Any] = {
        "id": msg.id,
        "input": msg.input,
        "output": msg.output,
        "reference": msg.reference if msg.HasField("reference") else None,
        "context": list(msg.context),
        "expected_format": msg.expected_format or None,
        "schema": msg.schema_json or None,
        "instructions": list(msg.instructions),
        "checks": [
            {
                "name": c.name,
                "passed": c.passed,
                "score": c.score if c.HasField("score") else None,
                "reason": c.reason,
            }
            for c in msg.checks
        ],
        "task": msg.task or None,
        "model": msg.model or None,
        "metadata": dict(msg.metadata),
    }
    return parse_record(data, limits).record


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value.astimezone(timezone.utc))
    return ts


def from_timestamp(ts: timestamp_pb2.Timestamp, present: bool) -> datetime | None:
    return ts.ToDatetime(tzinfo=timezone.utc) if present else None


def diagnosis_to_proto(d: Diagnosis, stored: StoredDiagnosis | None = None) -> records_pb2.Diagnosis:
    msg = records_pb2.Diagnosis(
        id=d.id,
        label=d.label,
        subtypes=list(d.subtypes),
        confidence=d.confidence,
        route=d.route,
        evidence=[records_pb2.Evidence(signal=e.signal, detail=e.detail, score=e.score) for e in d.evidence],
        action=d.action,
        classifier_version=d.classifier_version,
    )
    if stored is not None:
        msg.revision = stored.revision
        msg.model = stored.record.model or ""
        msg.created_at.CopyFrom(timestamp(stored.created_at))
    return msg


def diagnosis_from_proto(msg: records_pb2.Diagnosis) -> Diagnosis:
    return Diagnosis(
        id=msg.id,
        label=msg.label,
        subtypes=tuple(msg.subtypes),
        confidence=msg.confidence,
        route=msg.route,
        evidence=tuple(Evidence(e.signal, e.detail, e.score) for e in msg.evidence),
        action=msg.action,
        classifier_version=msg.classifier_version,
    )


def queue_item_to_proto(item: QueueItem) -> queue_pb2.QueueItem:
    payload = struct_pb2.Struct()
    payload.update(json.loads(json.dumps(item.payload)))
    msg = queue_pb2.QueueItem(
        item_id=item.item_id,
        queue=item.queue,
        case_id=item.case_id,
        revision=item.revision,
        payload=payload,
        attempts=item.attempts,
        lease_token=item.lease_token,
        deferred=item.deferred,
        state=item.state,
        last_error=item.last_error,
    )
    msg.created_at.CopyFrom(timestamp(item.created_at))
    if item.lease_expires_at is not None:
        msg.lease_expires_at.CopyFrom(timestamp(item.lease_expires_at))
    return msg


def stats_to_proto(s: QueueStats) -> queue_pb2.QueueStats:
    return queue_pb2.QueueStats(
        queue=s.queue,
        depth=s.depth,
        leased=s.leased,
        oldest_age_seconds=s.oldest_age_seconds,
        dead_letters=s.dead_letters,
        deferred=s.deferred,
        done=s.done,
    )
