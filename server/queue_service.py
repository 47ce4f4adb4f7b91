"""QueueService: lease / extend / ack / nack / stats / dead letters / redrive over the Store."""

from __future__ import annotations

import grpc

from classifiers.records import FieldViolation
from server import convert
from server._proto.formfact.v1 import queue_pb2, queue_pb2_grpc
from server.config import Settings
from server.errors import InvalidArgument
from server.grpc_errors import handle
from server.store.base import QUEUES, Store

MAX_LEASE_SECONDS = 3600.0


def _check(*violations: FieldViolation | None) -> None:
    bad = tuple(v for v in violations if v is not None)
    if bad:
        raise InvalidArgument("invalid queue request", bad)


def _queue(name: str, required: bool = True) -> FieldViolation | None:
    if not name and not required:
        return None
    return None if name in QUEUES else FieldViolation("queue", f"must be one of {', '.join(QUEUES)}")


def _seconds(field: str, value: float, low: float, high: float) -> FieldViolation | None:
    return None if low <= value <= high else FieldViolation(field, f"must be between {low:g} and {high:g}")


def _item(item_id: str, token: str) -> list[FieldViolation | None]:
    return [
        None if item_id else FieldViolation("item_id", "is required"),
        None if token else FieldViolation("lease_token", "is required"),
    ]


class QueueServicer(queue_pb2_grpc.QueueServiceServicer):
    def __init__(self, settings: Settings, store: Store):
        self._settings = settings
        self._store = store

    @handle
    def Lease(self, request: queue_pb2.LeaseRequest, context: grpc.ServicerContext) -> queue_pb2.LeaseResponse:
        _check(
            _queue(request.queue),
            None if 1 <= request.max_items <= 100 else FieldViolation("max_items", "must be between 1 and 100"),
            _seconds("lease_seconds", request.lease_seconds, 1, MAX_LEASE_SECONDS),
        )
        items = self._store.lease(request.queue, request.max_items, request.lease_seconds, request.include_deferred)
        return queue_pb2.LeaseResponse(items=[convert.queue_item_to_proto(i) for i in items])

    @handle
    def ExtendLease(self, request: queue_pb2.ExtendLeaseRequest, context: grpc.ServicerContext) -> queue_pb2.QueueItem:
        _check(*_item(request.item_id, request.lease_token),
               _seconds("lease_seconds", request.lease_seconds, 1, MAX_LEASE_SECONDS))
        item = self._store.extend_lease(request.item_id, request.lease_token, request.lease_seconds)
        return convert.queue_item_to_proto(item)

    @handle
    def Ack(self, request: queue_pb2.AckRequest, context: grpc.ServicerContext) -> queue_pb2.AckResponse:
        _check(*_item(request.item_id, request.lease_token))
        self._store.ack(request.item_id, request.lease_token)
        return queue_pb2.AckResponse()

    @handle
    def Nack(self, request: queue_pb2.NackRequest, context: grpc.ServicerContext) -> queue_pb2.NackResponse:
        _check(*_item(request.item_id, request.lease_token),
               _seconds("retry_delay_seconds", request.retry_delay_seconds, 0, 7 * 86400),
               None if len(request.error) <= self._settings.limits.max_item_chars
               else FieldViolation("error", "is too long"))
        dead = self._store.nack(request.item_id, request.lease_token, request.retry_delay_seconds, request.error)
        return queue_pb2.NackResponse(dead_lettered=dead)

    @handle
    def Stats(self, request: queue_pb2.StatsRequest, context: grpc.ServicerContext) -> queue_pb2.StatsResponse:
        _check(_queue(request.queue, required=False))
        stats = self._store.stats(request.queue or None)
        return queue_pb2.StatsResponse(queues=[convert.stats_to_proto(s) for s in stats])

    @handle
    def ListDeadLetters(self, request: queue_pb2.ListDeadLettersRequest, context: grpc.ServicerContext) -> queue_pb2.ListDeadLettersResponse:
        _check(_queue(request.queue),
               None if 0 <= request.page_size <= 500 else FieldViolation("page_size", "must be between 0 and 500"))
        page = self._store.list_dead_letters(request.queue, request.page_size or 50, request.page_token)
        return queue_pb2.ListDeadLettersResponse(
            items=[convert.queue_item_to_proto(i) for i in page.items], next_page_token=page.next_token
        )

    @handle
    def Redrive(self, request: queue_pb2.RedriveRequest, context: grpc.ServicerContext) -> queue_pb2.RedriveResponse:
        _check(_queue(request.queue),
               None if len(request.item_ids) <= 1000 else FieldViolation("item_ids", "at most 1000 per call"))
        return queue_pb2.RedriveResponse(redriven=self._store.redrive(request.queue, list(request.item_ids)))
