"""A thin formfact client for eval pipelines: imports only grpc and the generated stubs (no torch).

    from server.client import FormfactClient
    with FormfactClient("localhost:50051") as ff:
        d = ff.diagnose({"id": "case-1", "input": "...", "output": "..."})
        print(d.label, d.route, d.action)
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Mapping

import grpc

from server._proto.formfact.v1 import (
    diagnosis_pb2,
    diagnosis_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    records_pb2,
)


def record_message(data: Mapping[str, Any]) -> records_pb2.FailureRecord:
    """A FailureRecord message from a JSONL-style dict (the server validates it)."""
    schema = data.get("schema")
    msg = records_pb2.FailureRecord(
        id=str(data.get("id") or ""),
        input=str(data.get("input") or ""),
        output=str(data.get("output") or ""),
        context=list(data.get("context") or []),
        expected_format=str(data.get("expected_format") or ""),
        schema_json=json.dumps(schema) if isinstance(schema, (dict, list)) else str(schema or ""),
        instructions=list(data.get("instructions") or []),
        task=str(data.get("task") or ""),
        model=str(data.get("model") or ""),
        metadata={str(k): v if isinstance(v, str) else json.dumps(v) for k, v in (data.get("metadata") or {}).items()},
    )
    if data.get("reference") is not None:
        msg.reference = str(data["reference"])
    for c in data.get("checks") or []:
        check = msg.checks.add(name=str(c.get("name", "")), passed=bool(c.get("passed")), reason=str(c.get("reason") or ""))
        if c.get("score") is not None:
            check.score = float(c["score"])
    return msg


class FormfactClient:
    def __init__(self, target: str, timeout: float = 60.0, channel: grpc.Channel | None = None):
        self.channel = channel or grpc.insecure_channel(target)
        self.timeout = timeout
        self.diagnosis = diagnosis_pb2_grpc.DiagnosisServiceStub(self.channel)
        self.queues = queue_pb2_grpc.QueueServiceStub(self.channel)

    def __enter__(self) -> FormfactClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.channel.close()

    def diagnose(self, record: Mapping[str, Any]) -> records_pb2.Diagnosis:
        response = self.diagnosis.Diagnose(
            diagnosis_pb2.DiagnoseRequest(record=record_message(record)), timeout=self.timeout
        )
        return response.diagnosis

    def diagnose_stream(self, records: Iterable[Mapping[str, Any]]) -> Iterator[diagnosis_pb2.DiagnoseStreamResponse]:
        """Results in order: each has `diagnosis` or `error` (a bad record does not end the stream)."""
        requests = (diagnosis_pb2.DiagnoseRequest(record=record_message(r)) for r in records)
        return self.diagnosis.DiagnoseStream(requests)

    def lease(self, queue: str, max_items: int = 1, lease_seconds: float = 60.0) -> list[queue_pb2.QueueItem]:
        response = self.queues.Lease(
            queue_pb2.LeaseRequest(queue=queue, max_items=max_items, lease_seconds=lease_seconds), timeout=self.timeout
        )
        return list(response.items)

    def ack(self, item_id: str, lease_token: str) -> None:
        self.queues.Ack(queue_pb2.AckRequest(item_id=item_id, lease_token=lease_token), timeout=self.timeout)

    def stats(self, queue: str = "") -> list[queue_pb2.QueueStats]:
        return list(self.queues.Stats(queue_pb2.StatsRequest(queue=queue), timeout=self.timeout).queues)
