"""The trainer worker: lease a job, keep the lease alive, run it on a backend, upload the result.

A separate process (`formfact trainer --server ADDR --work-dir DIR`) that talks to the service only over
gRPC. While a job runs, a heartbeat thread extends the lease every third of its length and picks up cancel
requests; if the lease is lost (this worker was too slow, or presumed dead), the job's result is never
uploaded, because the server now holds another worker responsible. A worker killed outright leaves its
checkpoints in DIR/<job_id>/checkpoints; the next worker with the same DIR resumes from the latest one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from pathlib import Path
from typing import Any

import grpc

from trainer import backends
from trainer.client import Lease, TrainingClient
from trainer.rediagnose import Rediagnoser

log = logging.getLogger(__name__)


class _Heartbeat(threading.Thread):
    """Extends the lease and mirrors the server's cancel flag; stops on a lost lease."""

    def __init__(self, client: TrainingClient, lease: Lease, lease_seconds: float):
        super().__init__(name=f"heartbeat-{lease.spec.job_id}", daemon=True)
        self.client, self.lease, self.lease_seconds = client, lease, lease_seconds
        self.cancel = threading.Event()
        self.lost = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.lease_seconds / 3):
            try:
                if self.client.heartbeat(self.lease.spec.job_id, self.lease.token, self.lease_seconds):
                    self.cancel.set()
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    log.warning("lease on %s lost: %s", self.lease.spec.job_id, exc.details())
                    self.lost.set()
                    return
                log.warning("heartbeat failed (will retry): %s", exc.code())


class Worker:
    """Runs leased jobs one at a time until stopped."""

    def __init__(
        self, target: str, work_dir: Path, judge: Rediagnoser, judge_kind: str = "validators",
        worker_id: str | None = None, lease_seconds: float = 60.0, poll_seconds: float = 2.0,
        processes: int = 1, force_cpu: bool = False, gradient_checkpointing: bool = True,
    ):
        self.client = TrainingClient(target)
        self.work_dir = Path(work_dir)
        self.judge, self.judge_kind = judge, judge_kind
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.lease_seconds, self.poll_seconds = lease_seconds, poll_seconds
        self.processes, self.force_cpu = processes, force_cpu
        self.gradient_checkpointing = gradient_checkpointing
        self.stopping = threading.Event()

    def close(self) -> None:
        self.client.close()

    def serve(self, max_jobs: int = 0) -> int:
        """Lease and run jobs until `stop()` (or `max_jobs` jobs ran); returns how many ran."""
        ran = 0
        while not self.stopping.is_set() and (not max_jobs or ran < max_jobs):
            try:
                if self.run_once():
                    ran += 1
                    continue
            except grpc.RpcError as exc:
                log.warning("server unreachable (%s); retrying", exc.code())
            self.stopping.wait(self.poll_seconds)
        return ran

    def stop(self) -> None:
        self.stopping.set()

    def run_once(self) -> bool:
        """Lease one job and run it to the end; False when there was nothing to lease."""
        lease = self.client.lease(self.worker_id, self.lease_seconds)
        if lease is None:
            return False
        spec = lease.spec
        log.info("leased %s (attempt %d)", spec.job_id, lease.attempts)
        beat = _Heartbeat(self.client, lease, self.lease_seconds)
        beat.start()

        def report(body: dict[str, Any]) -> None:
            if beat.lost.is_set():
                return
            try:
                if self.client.report(spec.job_id, lease.token, [body]):
                    beat.cancel.set()
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    beat.lost.set()
                else:
                    log.warning("progress report dropped: %s", exc.code())

        def should_stop() -> bool:
            return beat.cancel.is_set() or beat.lost.is_set() or self.stopping.is_set()

        try:
            dataset, digest = self.client.dataset(spec.job_id, lease.token)
            backend = backends.make(spec.backend, self.judge, self.judge_kind, self.processes, self.force_cpu,
                                    self.gradient_checkpointing)
            outcome = backend.run(spec, dataset, digest, self.work_dir / spec.job_id, report, should_stop)
            if beat.lost.is_set():
                return True  # another worker owns the job now; its checkpoints are shared, our result is not
            if self.stopping.is_set() and not beat.cancel.is_set():
                return True  # shutting down: let the lease expire so another worker resumes the job
            self.client.complete(spec.job_id, lease.token, outcome.cancelled, outcome.metrics, outcome.verification,
                                 outcome.artifact_path, outcome.manifest)
        except grpc.RpcError:
            raise
        except Exception as exc:  # noqa: BLE001 - any training error fails the job with its cause
            log.exception("job %s failed", spec.job_id)
            if not beat.lost.is_set():
                self.client.fail(spec.job_id, lease.token, "training_error", f"{type(exc).__name__}: {exc}",
                                 {"type": type(exc).__name__, "traceback": traceback.format_exc()[-4000:],
                                  "worker_id": self.worker_id})
        finally:
            beat.done.set()
            beat.join(timeout=5)
        return True
