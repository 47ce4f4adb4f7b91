"""A real in-process gRPC server on port 0 over a real SQLite file, per test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import grpc
import pytest

from server._proto.formfact.v1 import diagnosis_pb2_grpc, queue_pb2_grpc
from server.app import Deps, create_server, shutdown
from server.config import Settings
from server.store import open_store


@dataclass
class Running:
    settings: Settings
    deps: Deps
    port: int
    channel: grpc.Channel
    diagnosis: diagnosis_pb2_grpc.DiagnosisServiceStub
    queues: queue_pb2_grpc.QueueServiceStub


def start(engine, db_path: Path, **overrides) -> tuple[grpc.Server, Running]:  # type: ignore[no-untyped-def]
    settings = Settings(port=0, host="127.0.0.1", db_path=db_path, **overrides)
    store = open_store(db_path, max_attempts=settings.max_attempts)
    deps = Deps(store=store, engine=engine, closers=[store.close])
    server, port = create_server(settings, deps)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    return server, Running(settings, deps, port, channel, diagnosis_pb2_grpc.DiagnosisServiceStub(channel),
                           queue_pb2_grpc.QueueServiceStub(channel))


@pytest.fixture
def running(engine, tmp_path: Path, request) -> Iterator[Running]:  # type: ignore[no-untyped-def]
    overrides = getattr(request, "param", {}) or {}
    server, run = start(engine, tmp_path / "formfact.db", **overrides)
    yield run
    run.channel.close()
    shutdown(server, run.deps, grace=1.0)
