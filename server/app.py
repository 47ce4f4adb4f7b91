"""Build and run the gRPC server: `create_server` for tests and embedding, `serve` for the CLI.

`create_server(settings, deps)` binds (port 0 picks a free port) and registers every service, the standard
health service and server reflection, and returns the started server with its port. `serve` adds what a
process needs: opening the store and the engine, and a graceful shutdown on SIGTERM/SIGINT.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
from concurrent import futures
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from server._proto.formfact.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    diagnosis_pb2,
    diagnosis_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
)
from server.admin_service import AdminServicer, active_engine_dir
from server.config import Settings
from server.diagnosis_service import DiagnosisServicer
from server.pipeline import Pipeline, Refiner
from server.queue_service import QueueServicer
from server.store.base import Store

if TYPE_CHECKING:
    from classifiers import Engine

log = logging.getLogger(__name__)

# Optional parts: each module exposes install(server, settings, deps) -> list[str] (its service names).
PARTS: tuple[str, ...] = (
    "server.training.service",
    "server.corpus.service",
)


@dataclass
class Deps:
    store: Store
    engine: Engine
    refiners: list[Refiner] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    health: health.HealthServicer | None = None
    pipeline: Pipeline | None = None
    """Set by create_server; holds the engine in use (RetrainClassifier may swap it)."""


def create_server(settings: Settings, deps: Deps) -> tuple[grpc.Server, int]:
    """Start a server with every service registered; returns (server, bound port)."""
    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
    ]
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.max_workers, thread_name_prefix="formfact-rpc"),
        options=options,
    )
    # The pipeline holds the refiners list itself, so parts installed below that append a refiner take part.
    pipeline = deps.pipeline = Pipeline(deps.store, deps.engine, deps.refiners)
    diagnosis_pb2_grpc.add_DiagnosisServiceServicer_to_server(DiagnosisServicer(settings, pipeline), server)
    queue_pb2_grpc.add_QueueServiceServicer_to_server(QueueServicer(settings, deps.store), server)
    admin_pb2_grpc.add_AdminServiceServicer_to_server(AdminServicer(settings, pipeline), server)
    names = [
        diagnosis_pb2.DESCRIPTOR.services_by_name["DiagnosisService"].full_name,
        queue_pb2.DESCRIPTOR.services_by_name["QueueService"].full_name,
        admin_pb2.DESCRIPTOR.services_by_name["AdminService"].full_name,
    ]
    for part in PARTS:
        names += importlib.import_module(part).install(server, settings, deps)

    deps.health = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(deps.health, server)
    for name in ["", *names]:
        deps.health.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)

    port = server.add_insecure_port(f"{settings.host}:{settings.port}")
    if port == 0:
        raise OSError(f"could not bind {settings.host}:{settings.port}")
    server.start()
    return server, port


def open_deps(settings: Settings) -> Deps:
    """Open the store and load the engine: an explicit classifier, else the active retrained version, else
    the shipped default."""
    from classifiers import load_engine
    from server.store import open_store

    store = open_store(settings.db_path, max_attempts=settings.max_attempts)
    engine = load_engine(active_engine_dir(settings, store.list_classifier_versions()))
    return Deps(store=store, engine=engine, closers=[store.close])


def shutdown(server: grpc.Server, deps: Deps, grace: float) -> None:
    """Stop taking new RPCs, let in-flight ones finish for `grace` seconds, then close what the parts opened."""
    if deps.health is not None:
        deps.health.enter_graceful_shutdown()
    server.stop(grace).wait()
    for close in reversed(deps.closers):
        close()


def serve(settings: Settings, ready: Callable[[int], None] | None = None) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    deps = open_deps(settings)
    server, port = create_server(settings, deps)
    log.info("formfact serving on %s:%d (db %s, classifier %s)", settings.host, port, settings.db_path,
             deps.engine.version)
    if ready is not None:
        ready(port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    log.info("shutting down (grace %.1fs)", settings.grace_seconds)
    shutdown(server, deps, settings.grace_seconds)
