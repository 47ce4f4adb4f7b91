"""`formfact trainer` (the worker) and `formfact training create|get|list|cancel|watch` (jobs of a server).

Both talk to a running server over gRPC only; the worker imports torch lazily, when it leases its first job.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.json_format import MessageToDict

from server._proto.formfact.v1 import training_pb2, training_pb2_grpc
from server.cli import remote

_HP_FIELDS = [f for f in training_pb2.Hyperparameters.DESCRIPTOR.fields if f.name != "target_modules"]


def register(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("trainer", help="run a trainer worker: lease training jobs and train LoRA adapters")
    w.add_argument("--server", default="localhost:50051", help="address of a running formfact server")
    w.add_argument("--work-dir", type=Path, default=Path("trainer-work"),
                   help="where adapters and checkpoints go; share it between workers so a job resumes")
    w.add_argument("--worker-id", default=None, help="default: host-pid-random")
    w.add_argument("--lease-seconds", type=float, default=60.0, help="lease length; heartbeats every third")
    w.add_argument("--poll-seconds", type=float, default=2.0, help="wait between empty lease attempts")
    w.add_argument("--rediagnose", choices=("validators", "engine"), default="validators",
                   help="judge of regenerated answers: deterministic validators (engine for the rest) or the engine")
    w.add_argument("--processes", type=int, default=1, help="ranks for accelerate/torchrun backends")
    w.add_argument("--cpu", action="store_true", help="train on CPU even when CUDA is present")
    w.add_argument("--no-gradient-checkpointing", dest="gradient_checkpointing", action="store_false",
                   help="keep activations (faster, more memory); checkpointing is on by default")
    w.add_argument("--max-jobs", type=int, default=0, help="exit after this many jobs (0: run until stopped)")
    w.add_argument("--threads", type=int, default=0,
                   help="torch intra-op threads on CPU (0: torch's default; 1 is faster on a busy shared machine)")
    w.set_defaults(func=run_worker)

    t = sub.add_parser("training", help="create, inspect, cancel and watch training jobs")
    t.add_argument("--server", default="localhost:50051", help="address of a running formfact server")
    tsub = t.add_subparsers(dest="training_command", required=True, metavar="ACTION")
    c = tsub.add_parser("create", help="create a job from the finetune queue (hyperparameters default to auto)")
    c.add_argument("base_model", help="a Hugging Face model directory or a .gguf file")
    c.add_argument("--subtype", action="append", default=[], help="train on these behavior subtypes (repeat)")
    c.add_argument("--model", action="append", default=[], help="only items from these failing models (repeat)")
    c.add_argument("--min-examples", type=int, default=0)
    c.add_argument("--max-examples", type=int, default=0)
    c.add_argument("--include-deferred", action="store_true")
    c.add_argument("--idempotency-key", default="")
    c.add_argument("--backend", default="", choices=("", "local", "accelerate", "torchrun"))
    c.add_argument("--target-module", action="append", default=[], help="LoRA target module (repeat)")
    for f in _HP_FIELDS:
        kind = float if f.type == f.TYPE_DOUBLE else int
        c.add_argument(f"--{f.name.replace('_', '-')}", type=kind, default=None, help="default: auto")
    c.set_defaults(func=create)
    g = tsub.add_parser("get", help="print a job as JSON")
    g.add_argument("job_id")
    g.set_defaults(func=get)
    ls = tsub.add_parser("list", help="list jobs, newest first")
    ls.add_argument("--state", default="")
    ls.set_defaults(func=list_jobs)
    x = tsub.add_parser("cancel", help="cancel a job")
    x.add_argument("job_id")
    x.set_defaults(func=cancel)
    wa = tsub.add_parser("watch", help="stream a job's events (JSON lines) until it ends")
    wa.add_argument("job_id")
    wa.add_argument("--after-seq", type=int, default=0, help="resume after this event number")
    wa.set_defaults(func=watch)


def run_worker(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from trainer import Worker, rediagnose

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    worker = Worker(args.server, args.work_dir, rediagnose.make(args.rediagnose), args.rediagnose,
                    worker_id=args.worker_id, lease_seconds=args.lease_seconds, poll_seconds=args.poll_seconds,
                    processes=args.processes, force_cpu=args.cpu, gradient_checkpointing=args.gradient_checkpointing)
    # SIGTERM: finish nothing new; the current job's lease lapses and another worker resumes it.
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    try:
        ran = worker.serve(max_jobs=args.max_jobs)
    finally:
        worker.close()
    print(f"trainer {worker.worker_id}: ran {ran} job(s)", file=sys.stderr)
    return 0


def _stub(args: argparse.Namespace) -> training_pb2_grpc.TrainingServiceStub:
    return training_pb2_grpc.TrainingServiceStub(grpc.insecure_channel(args.server))


def _call(fn: Any, request: Any) -> Any:
    return remote.call("training", fn, request, timeout=60)


def _print(msg: Any) -> None:
    print(json.dumps(MessageToDict(msg, preserving_proto_field_name=True), indent=2, sort_keys=True))


def create(args: argparse.Namespace) -> int:
    hp = training_pb2.Hyperparameters(target_modules=args.target_module)
    for f in _HP_FIELDS:
        value = getattr(args, f.name)
        if value is not None:
            setattr(hp, f.name, value)
    request = training_pb2.CreateTrainingJobRequest(
        base_model=args.base_model, hyperparameters=hp, idempotency_key=args.idempotency_key, backend=args.backend,
        selection=training_pb2.ItemSelection(subtypes=args.subtype, models=args.model, min_examples=args.min_examples,
                                             max_examples=args.max_examples, include_deferred=args.include_deferred))
    job = _call(_stub(args).CreateTrainingJob, request)
    _print(job)
    return 0 if job.state != "validation_failed" else 1


def get(args: argparse.Namespace) -> int:
    _print(_call(_stub(args).GetTrainingJob, training_pb2.GetTrainingJobRequest(job_id=args.job_id)))
    return 0


def list_jobs(args: argparse.Namespace) -> int:
    r = _call(_stub(args).ListTrainingJobs, training_pb2.ListTrainingJobsRequest(state=args.state))
    for job in r.jobs:
        print(json.dumps({"job_id": job.job_id, "state": job.state, "base_model": job.base_model,
                          "adapter_ready": job.adapter_ready, "closed_items": job.closed_items}))
    return 0


def cancel(args: argparse.Namespace) -> int:
    _print(_call(_stub(args).CancelTrainingJob, training_pb2.CancelTrainingJobRequest(job_id=args.job_id)))
    return 0


def watch(args: argparse.Namespace) -> int:
    try:
        for event in _stub(args).WatchTrainingJob(
                training_pb2.WatchTrainingJobRequest(job_id=args.job_id, after_seq=args.after_seq)):
            print(json.dumps(MessageToDict(event, preserving_proto_field_name=True), sort_keys=True), flush=True)
    except grpc.RpcError as exc:
        raise SystemExit(f"formfact training: {exc.code().name}: {exc.details()}") from None
    return 0
