"""QueueService over a real server: lease, expiry and redelivery, fencing, dead letters, redrive, idempotency."""

from __future__ import annotations

import time

import grpc
import pytest

from server._proto.formfact.v1 import diagnosis_pb2, queue_pb2
from server.client import record_message
from server.grpc_errors import field_violations

CASE = {
    "id": "q-1",
    "input": "Return the user as JSON with keys name and email.",
    "output": "The user is Bob, bob@example.com",
    "expected_format": "json",
}


def enqueue(running, case=CASE) -> diagnosis_pb2.DiagnoseResponse:  # type: ignore[no-untyped-def]
    return running.diagnosis.Diagnose(diagnosis_pb2.DiagnoseRequest(record=record_message(case)), timeout=60)


def lease(running, n=10, seconds=30.0, queue="finetune"):  # type: ignore[no-untyped-def]
    return list(running.queues.Lease(queue_pb2.LeaseRequest(queue=queue, max_items=n, lease_seconds=seconds),
                                     timeout=10).items)


def stats(running, queue="finetune") -> queue_pb2.QueueStats:  # type: ignore[no-untyped-def]
    [s] = running.queues.Stats(queue_pb2.StatsRequest(queue=queue), timeout=10).queues
    return s


def test_lease_ack_and_finetune_payload(running) -> None:
    enqueue(running)
    [item] = lease(running)
    assert item.state == "leased" and item.lease_token and item.attempts == 1
    assert item.payload["rejected"] == CASE["output"]
    assert item.payload["needs_correction"] is True
    assert item.payload["messages"][-1]["role"] == "user"
    assert not lease(running)  # nothing else to lease while it is held
    assert stats(running).leased == 1
    running.queues.Ack(queue_pb2.AckRequest(item_id=item.item_id, lease_token=item.lease_token), timeout=10)
    s = stats(running)
    assert (s.depth, s.leased, s.done) == (0, 0, 1)


def test_expired_lease_is_redelivered_and_old_token_is_fenced_out(running) -> None:
    enqueue(running)
    [first] = lease(running, seconds=1)
    time.sleep(1.3)
    [second] = lease(running, seconds=30)
    assert second.item_id == first.item_id
    assert second.lease_token != first.lease_token
    assert second.attempts == 2
    for call, req in (
        (running.queues.Ack, queue_pb2.AckRequest(item_id=first.item_id, lease_token=first.lease_token)),
        (running.queues.Nack, queue_pb2.NackRequest(item_id=first.item_id, lease_token=first.lease_token)),
        (running.queues.ExtendLease, queue_pb2.ExtendLeaseRequest(item_id=first.item_id,
                                                                  lease_token=first.lease_token, lease_seconds=5)),
    ):
        with pytest.raises(grpc.RpcError) as err:
            call(req, timeout=10)
        assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    extended = running.queues.ExtendLease(queue_pb2.ExtendLeaseRequest(
        item_id=second.item_id, lease_token=second.lease_token, lease_seconds=120), timeout=10)
    assert extended.lease_expires_at.seconds > second.lease_expires_at.seconds
    running.queues.Ack(queue_pb2.AckRequest(item_id=second.item_id, lease_token=second.lease_token), timeout=10)
    assert stats(running).done == 1


@pytest.mark.parametrize("running", [{"max_attempts": 2}], indirect=True)
def test_dead_letters_after_max_attempts_then_redrive(running) -> None:
    enqueue(running)
    [a] = lease(running)
    resp = running.queues.Nack(queue_pb2.NackRequest(item_id=a.item_id, lease_token=a.lease_token, error="boom"),
                               timeout=10)
    assert not resp.dead_lettered
    [b] = lease(running)
    resp = running.queues.Nack(queue_pb2.NackRequest(item_id=b.item_id, lease_token=b.lease_token, error="boom 2"),
                               timeout=10)
    assert resp.dead_lettered
    assert not lease(running)
    assert stats(running).dead_letters == 1
    [dead] = running.queues.ListDeadLetters(queue_pb2.ListDeadLettersRequest(queue="finetune"), timeout=10).items
    assert dead.item_id == a.item_id and dead.state == "dead" and dead.last_error == "boom 2"
    assert running.queues.Redrive(queue_pb2.RedriveRequest(queue="finetune"), timeout=10).redriven == 1
    [again] = lease(running)
    assert again.item_id == a.item_id and again.attempts == 1


def test_nack_with_delay_hides_the_item_until_due(running) -> None:
    enqueue(running)
    [a] = lease(running)
    running.queues.Nack(queue_pb2.NackRequest(item_id=a.item_id, lease_token=a.lease_token,
                                              retry_delay_seconds=1.0, error="later"), timeout=10)
    assert not lease(running)
    assert stats(running).depth == 1
    time.sleep(1.2)
    assert [i.item_id for i in lease(running)] == [a.item_id]


def test_enqueue_is_idempotent_per_case_and_revision(running) -> None:
    first = enqueue(running)
    again = enqueue(running)
    assert list(again.queue_item_ids) == list(first.queue_item_ids)
    assert stats(running).depth == 1
    changed = enqueue(running, dict(CASE, output="name: Bob"))  # same case id, new content: a new revision
    assert list(changed.queue_item_ids) != list(first.queue_item_ids)
    assert stats(running).depth == 1  # the old revision's item is superseded
    [item] = lease(running)
    assert item.payload["rejected"] == "name: Bob"
    got = running.diagnosis.GetDiagnosis(diagnosis_pb2.GetDiagnosisRequest(id="q-1"), timeout=10)
    assert got.revision == changed.diagnosis.revision != first.diagnosis.revision


@pytest.mark.parametrize(
    ("method", "request_", "field"),
    [
        ("Lease", queue_pb2.LeaseRequest(queue="nope", max_items=1, lease_seconds=5), "queue"),
        ("Lease", queue_pb2.LeaseRequest(queue="rag", max_items=0, lease_seconds=5), "max_items"),
        ("Lease", queue_pb2.LeaseRequest(queue="rag", max_items=1, lease_seconds=0), "lease_seconds"),
        ("Ack", queue_pb2.AckRequest(item_id="x"), "lease_token"),
        ("Nack", queue_pb2.NackRequest(lease_token="t"), "item_id"),
        ("Stats", queue_pb2.StatsRequest(queue="everything"), "queue"),
        ("Redrive", queue_pb2.RedriveRequest(queue=""), "queue"),
    ],
)
def test_bad_queue_requests_name_the_field(running, method, request_, field) -> None:
    with pytest.raises(grpc.RpcError) as err:
        getattr(running.queues, method)(request_, timeout=10)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in [f for f, _ in field_violations(err.value)]


def test_ack_of_unknown_item_is_not_found(running) -> None:
    with pytest.raises(grpc.RpcError) as err:
        running.queues.Ack(queue_pb2.AckRequest(item_id="missing", lease_token="t"), timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
