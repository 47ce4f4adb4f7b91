"""`formfact queue stats|lease|ack|dead-letters|redrive`: look at and work the queues of a running server."""

from __future__ import annotations

import argparse
import json
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from server._proto.formfact.v1 import queue_pb2, queue_pb2_grpc
from server.cli import remote

QUEUE_NAMES = ("rag", "finetune", "review")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="inspect and work the rag / finetune / review queues")
    p.add_argument("--server", default="localhost:50051", help="address of a running formfact server")
    qsub = p.add_subparsers(dest="queue_command", required=True, metavar="ACTION")
    s = qsub.add_parser("stats", help="depth, leased, oldest age and dead letters per queue")
    s.add_argument("queue", nargs="?", default="", choices=("", *QUEUE_NAMES))
    s.set_defaults(func=stats)
    le = qsub.add_parser("lease", help="lease items (printed as JSON lines)")
    le.add_argument("queue", choices=QUEUE_NAMES)
    le.add_argument("-n", type=int, default=1, help="how many items")
    le.add_argument("--seconds", type=float, default=300.0, help="lease duration")
    le.set_defaults(func=lease)
    a = qsub.add_parser("ack", help="acknowledge a leased item")
    a.add_argument("item_id")
    a.add_argument("lease_token")
    a.set_defaults(func=ack)
    d = qsub.add_parser("dead-letters", help="list dead-lettered items")
    d.add_argument("queue", choices=QUEUE_NAMES)
    d.set_defaults(func=dead_letters)
    r = qsub.add_parser("redrive", help="put dead letters back on their queue")
    r.add_argument("queue", choices=QUEUE_NAMES)
    r.add_argument("item_ids", nargs="*", help="default: all")
    r.set_defaults(func=redrive)


def _stub(args: argparse.Namespace) -> queue_pb2_grpc.QueueServiceStub:
    return queue_pb2_grpc.QueueServiceStub(grpc.insecure_channel(args.server))


def _call(fn: Any, request: Any) -> Any:
    return remote.call("queue", fn, request, timeout=30)


def stats(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Stats, queue_pb2.StatsRequest(queue=args.queue))
    print(f"{'queue':<10}{'depth':>8}{'leased':>8}{'deferred':>10}{'dead':>6}{'done':>8}{'oldest(s)':>12}")
    for q in resp.queues:
        print(f"{q.queue:<10}{q.depth:>8}{q.leased:>8}{q.deferred:>10}{q.dead_letters:>6}{q.done:>8}"
              f"{q.oldest_age_seconds:>12.1f}")
    return 0


def _print_items(items) -> None:  # type: ignore[no-untyped-def]
    for item in items:
        print(json.dumps(MessageToDict(item, preserving_proto_field_name=True), ensure_ascii=False))


def lease(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Lease, queue_pb2.LeaseRequest(queue=args.queue, max_items=args.n, lease_seconds=args.seconds))
    _print_items(resp.items)
    return 0


def ack(args: argparse.Namespace) -> int:
    _call(_stub(args).Ack, queue_pb2.AckRequest(item_id=args.item_id, lease_token=args.lease_token))
    print(f"acked {args.item_id}")
    return 0


def dead_letters(args: argparse.Namespace) -> int:
    token = ""
    while True:
        resp = _call(_stub(args).ListDeadLetters,
                     queue_pb2.ListDeadLettersRequest(queue=args.queue, page_size=100, page_token=token))
        _print_items(resp.items)
        token = resp.next_page_token
        if not token:
            return 0


def redrive(args: argparse.Namespace) -> int:
    resp = _call(_stub(args).Redrive, queue_pb2.RedriveRequest(queue=args.queue, item_ids=args.item_ids))
    print(f"redriven {resp.redriven}")
    return 0
