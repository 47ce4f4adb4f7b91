"""Restart durability: a server killed with SIGKILL mid-stream loses no answered case and duplicates none."""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import grpc

from server._proto.formfact.v1 import diagnosis_pb2, diagnosis_pb2_grpc, queue_pb2, queue_pb2_grpc
from server.client import record_message
from server.testing import spawn_server

CASES = [
    {"id": f"k-{i}", "input": f"Give the capital of country number {i} as JSON with key capital.",
     "output": f"The capital is City{i}." if i % 2 else f'{{"capital": "City{i}"}}',
     "reference": f'{{"capital": "Town{i}"}}', "expected_format": "json"}
    for i in range(200)
]


def test_sigkill_mid_stream_then_restart(tmp_path: Path) -> None:
    db = tmp_path / "formfact.db"
    proc, address = spawn_server(db, {"FORMFACT_MAX_BATCH": "8"})
    answered: list[str] = []
    try:
        with grpc.insecure_channel(address) as channel:
            stub = diagnosis_pb2_grpc.DiagnosisServiceStub(channel)
            requests = (diagnosis_pb2.DiagnoseRequest(record=record_message(c)) for c in CASES)
            try:
                for response in stub.DiagnoseStream(requests, timeout=300):
                    answered.append(response.diagnosis.id)
                    if len(answered) == 40:
                        proc.send_signal(signal.SIGKILL)
            except grpc.RpcError as exc:
                assert exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                      grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN)
    finally:
        proc.kill()
        proc.wait()
    assert 40 <= len(answered) < len(CASES), "the kill must land mid-stream"

    proc, address = spawn_server(db, {"FORMFACT_MAX_BATCH": "8"})
    try:
        with grpc.insecure_channel(address) as channel:
            diag = diagnosis_pb2_grpc.DiagnosisServiceStub(channel)
            queues = queue_pb2_grpc.QueueServiceStub(channel)
            for case_id in answered:
                assert diag.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(id=case_id), timeout=10).id == case_id
            # Send everything again, as a client retrying after the crash would: nothing is queued twice.
            for response in diag.DiagnoseStream(
                (diagnosis_pb2.DiagnoseRequest(record=record_message(c)) for c in CASES), timeout=300
            ):
                assert response.WhichOneof("result") == "diagnosis"
            per_case: Counter[str] = Counter()
            for queue in ("rag", "finetune", "review"):
                while True:
                    items = queues.Lease(queue_pb2.LeaseRequest(queue=queue, max_items=100, lease_seconds=600,
                                                                include_deferred=True), timeout=10).items
                    if not items:
                        break
                    per_case.update(i.case_id for i in items if not i.deferred)
            assert set(per_case) == {c["id"] for c in CASES}
            assert set(per_case.values()) == {1}, "a case was queued more than once"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
