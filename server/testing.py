"""Helpers for tests and benchmarks that need a real formfact server in another process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import grpc

from server._proto.formfact.v1 import admin_pb2_grpc, diagnosis_pb2_grpc, queue_pb2_grpc
from server.app import Deps, create_server, shutdown
from server.config import Settings

if TYPE_CHECKING:
    from classifiers import Engine


def spawn_server(db: Path | str, env: Mapping[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start `formfact serve` on a free loopback port; returns the process and its address once it listens."""
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=full_env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"listening on .*:(\d+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"formfact serve did not start: {line!r}")
    return proc, f"127.0.0.1:{match.group(1)}"


@dataclass
class InProcess:
    """A started in-process server with a channel and stubs for each service."""

    server: grpc.Server
    settings: Settings
    deps: Deps
    port: int
    channel: grpc.Channel
    diagnosis: diagnosis_pb2_grpc.DiagnosisServiceStub
    queues: queue_pb2_grpc.QueueServiceStub
    admin: admin_pb2_grpc.AdminServiceStub

    def stop(self, grace: float = 1.0) -> None:
        self.channel.close()
        shutdown(self.server, self.deps, grace)


def start_in_process(engine: Engine, settings: Settings) -> InProcess:
    """create_server over a real store at settings.db_path, the given engine, and a loopback channel."""
    from server.store import open_store

    store = open_store(settings.db_path, max_attempts=settings.max_attempts)
    deps = Deps(store=store, engine=engine, closers=[store.close])
    server, port = create_server(settings, deps)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    return InProcess(server, settings, deps, port, channel, diagnosis_pb2_grpc.DiagnosisServiceStub(channel),
                     queue_pb2_grpc.QueueServiceStub(channel), admin_pb2_grpc.AdminServiceStub(channel))
