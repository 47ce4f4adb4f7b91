"""Rows to dataclasses and back: the one place that knows how the store lays values out in SQL.

Every engine stores the same columns: records, diagnoses and payloads as JSON text, times as float seconds
since the epoch (UTC) read from the store's injectable clock, and booleans as 0/1 integers, so the same
queries and the same tests run on SQLite and PostgreSQL. Times leave the store as timezone-aware UTC
datetimes. Page tokens are opaque to callers: url-safe base64 of a small JSON keyset position.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Mapping

from classifiers.records import Check, Diagnosis, FailureRecord, FieldViolation
from server.errors import InvalidArgument
from server.store.base import Feedback, QueueItem, StoredDiagnosis

FAR_FUTURE = 1e18
"""Seconds; larger than any clock reading, so it stands for 'no bound' in keyset and range filters."""


def to_datetime(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(float(seconds), tz=timezone.utc)


def to_seconds(value: datetime, field: str) -> float:
    """Seconds since the epoch of an aware datetime; a naive one is ambiguous, so it is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{field} must be timezone-aware", (FieldViolation(field, "must be timezone-aware"),))
    return value.timestamp()


def dump_json(value: Any, field: str) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{field} is not JSON-serialisable: {exc}", (FieldViolation(field, str(exc)),)) from exc


def record_to_json(record: FailureRecord) -> str:
    return dump_json(record.to_dict(), "record")


def record_from_json(text: str) -> FailureRecord:
    """Rebuild a stored record exactly (no re-validation: it was validated on the way in)."""
    data = json.loads(text)
    return FailureRecord(
        id=data["id"],
        input=data["input"],
        output=data["output"],
        reference=data.get("reference"),
        context=tuple(data.get("context") or ()),
        expected_format=data.get("expected_format"),
        schema=data.get("schema"),
        instructions=tuple(data.get("instructions") or ()),
        checks=tuple(Check(**c) for c in data.get("checks") or ()),
        task=data.get("task"),
        model=data.get("model"),
        metadata=dict(data.get("metadata") or {}),
    )


def diagnosis_to_json(diagnosis: Diagnosis) -> str:
    return dump_json(diagnosis.to_dict(), "diagnosis")


def stored_from_row(row: Mapping[str, Any], item_ids: tuple[str, ...], created: bool) -> StoredDiagnosis:
    return StoredDiagnosis(
        diagnosis=Diagnosis.from_dict(json.loads(row["diagnosis_json"])),
        record=record_from_json(row["record_json"]),
        revision=row["revision"],
        created_at=from_seconds(row["created_at"]),
        item_ids=item_ids,
        created=created,
    )


def item_from_row(row: Mapping[str, Any]) -> QueueItem:
    return QueueItem(
        item_id=row["item_id"],
        queue=row["queue"],
        case_id=row["case_id"],
        revision=row["revision"],
        payload=json.loads(row["payload_json"]),
        attempts=int(row["attempts"]),
        state=row["state"],
        deferred=bool(row["deferred"]),
        created_at=from_seconds(row["created_at"]),
        lease_token=row["lease_token"] or "",
        lease_expires_at=to_datetime(row["lease_expires_at"]),
        last_error=row["last_error"] or "",
    )


def feedback_from_row(row: Mapping[str, Any]) -> Feedback:
    record_json = row["record_json"]
    return Feedback(
        feedback_id=row["feedback_id"],
        case_id=row["case_id"],
        label=row["label"],
        subtypes=tuple(json.loads(row["subtypes_json"])),
        comment=row["comment"],
        author=row["author"],
        created_at=from_seconds(row["created_at"]),
        record=record_from_json(record_json) if record_json else None,
    )


def from_seconds(seconds: float) -> datetime:
    return datetime.fromtimestamp(float(seconds), tz=timezone.utc)


def filter_key(parts: Mapping[str, Any]) -> str:
    """A short digest of a listing's filter, kept in its page tokens so a token cannot cross filters."""
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def encode_token(kind: str, position: list[Any], key: str) -> str:
    blob = json.dumps({"k": kind, "p": position, "f": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(blob.encode("utf-8")).decode("ascii").rstrip("=")


def decode_token(token: str, kind: str, key: str) -> list[Any] | None:
    """The keyset position of a page token, or None for the first page.

    Raises:
        InvalidArgument: the token is malformed, from another listing, or from a different filter.
    """
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        ok = isinstance(data, dict) and data.get("k") == kind and isinstance(data.get("p"), list)
    except (ValueError, binascii.Error, UnicodeError):
        ok = False
    if not ok:
        raise InvalidArgument("page_token is not a token this listing issued",
                              (FieldViolation("page_token", "is not a token this listing issued"),))
    if data.get("f") != key:
        raise InvalidArgument("page_token was issued for a different filter",
                              (FieldViolation("page_token", "was issued for a different filter"),))
    return list(data["p"])

