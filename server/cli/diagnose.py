"""`formfact diagnose FILE.jsonl`: diagnose a file of failed cases, in-process or through a running server.

A bad line is reported with its line number and skipped; the rest is processed. At the end a summary table:
counts per label and route, and per-label precision/recall when the file carries ground-truth labels.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator, Sequence

from classifiers.records import LABELS, BadLine, Diagnosis, LabelledRecord, read_jsonl, read_lines
from server.config import Settings
from server.cli import remote

BATCH = 64


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diagnose", help="diagnose a JSONL file of failed eval cases")
    p.add_argument("file", type=Path, help="JSONL, one failure record per line ('-' for stdin)")
    p.add_argument("-o", "--output", type=Path, help="write one diagnosis per line to this JSONL file")
    p.add_argument("--server", help="diagnose through a running server at ADDR instead of in-process")
    p.add_argument("--db", type=Path, default=None, help="in-process: SQLite database to store and queue into")
    p.add_argument("--no-store", action="store_true", help="in-process: diagnose only, store and queue nothing")
    p.add_argument("--classifier", type=Path, default=None, help="in-process: a trained classifier directory")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    lines = read_lines(args.file)
    good: list[LabelledRecord] = []
    line_nos: list[int] = []
    bad: list[BadLine] = []
    for line_no, item in read_jsonl(lines):
        if isinstance(item, BadLine):
            bad.append(item)
            print(f"{args.file}:{item.line_no}: skipped: {item.message}", file=sys.stderr)
        else:
            good.append(item)
            line_nos.append(line_no)

    bar = tqdm(total=len(good), unit="case", disable=args.quiet, file=sys.stderr, desc="diagnosing")
    results: list[Diagnosis] = []
    diagnosed: list[LabelledRecord] = []
    position = 0  # outcomes come back in file order
    for batch in _diagnose(args, good):
        for outcome in batch:
            if isinstance(outcome, Exception):
                print(f"{args.file}:{line_nos[position]}: not diagnosed: {outcome}", file=sys.stderr)
            else:
                results.append(outcome)
                diagnosed.append(good[position])
            position += 1
        bar.update(len(batch))
    bar.close()

    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            for d in results:
                out.write(json.dumps(d.to_dict(), ensure_ascii=False) + "\n")
    failed = len(good) - len(diagnosed)
    print(summary(diagnosed, results, len(bad), failed))
    return 0 if not bad and not failed else 1


def _diagnose(args: argparse.Namespace, records: Sequence[LabelledRecord]) -> Iterator[list[Diagnosis | Exception]]:
    """Batches of outcomes in file order: a diagnosis, or why that case could not be diagnosed."""
    if args.server:
        yield from _through_server(args.server, records)
        return
    from classifiers import load_engine
    from server.pipeline import Pipeline

    settings = Settings.from_env(db_path=args.db, classifier_dir=args.classifier)
    engine = load_engine(settings.classifier_dir)
    store = None
    closers = []
    if not args.no_store:
        from server.store import open_store

        store = open_store(settings.db_path, max_attempts=settings.max_attempts)
        closers.append(store.close)
    refiners = []
    if store is not None or (isinstance(settings.db_path, Path) and settings.db_path.exists()):
        # The same corpus refiner the server applies, so both paths give the same diagnoses.
        from server.corpus.service import open_refiner

        refine, close_corpus = open_refiner(settings)
        refiners.append(refine)
        closers.append(close_corpus)
    pipeline = Pipeline(store, engine, refiners)  # type: ignore[arg-type]
    try:
        for start in range(0, len(records), BATCH):
            batch = [r.record for r in records[start : start + BATCH]]
            if store is None:
                yield pipeline.diagnose(batch)
            else:
                yield [s if isinstance(s, Exception) else s.diagnosis for s in pipeline.accept(batch)]
    finally:
        for close in reversed(closers):
            close()


def _through_server(address: str, records: Sequence[LabelledRecord]) -> Iterator[list[Diagnosis | Exception]]:
    import grpc

    from server.client import FormfactClient
    from server.convert import diagnosis_from_proto

    with FormfactClient(address) as client:
        try:
            for response in client.diagnose_stream(r.record.to_dict() for r in records):
                if response.HasField("error"):
                    yield [RuntimeError(f"the server answered {response.error.code}: {response.error.message}")]
                else:
                    yield [diagnosis_from_proto(response.diagnosis)]
        except grpc.RpcError as exc:
            raise remote.rpc_failure("diagnose", exc) from None


def summary(records: Sequence[LabelledRecord], diagnoses: Sequence[Diagnosis], bad_lines: int,
            failed: int = 0) -> str:
    """A plain-text table: counts by label and route, then per-label precision/recall if labels are known."""
    not_diagnosed = f", {failed} not diagnosed" if failed else ""
    lines = [f"diagnosed {len(diagnoses)} cases ({bad_lines} bad lines skipped{not_diagnosed})", ""]
    labels = Counter(d.label for d in diagnoses)
    routes = Counter(d.route for d in diagnoses)
    lines.append(f"{'label':<14}{'cases':>7}    {'route':<10}{'cases':>7}")
    for label, route in zip(LABELS, ("rag", "finetune", "review", "")):
        right = f"{route:<10}{routes.get(route, 0):>7}" if route else ""
        lines.append(f"{label:<14}{labels.get(label, 0):>7}    {right}")
    truth = [r.label for r in records]
    if any(t is not None for t in truth):
        from classifiers.evaluation import per_label_precision_recall

        pairs = [(t, d.label) for t, d in zip(truth, diagnoses) if t is not None]
        table = per_label_precision_recall([t for t, _ in pairs], [p for _, p in pairs])
        correct = sum(t == p for t, p in pairs)
        lines += ["", f"accuracy {correct / len(pairs):.3f} over {len(pairs)} labelled cases "
                      f"(unknown counts as wrong)", "",
                  f"{'label':<14}{'precision':>10}{'recall':>8}{'support':>9}"]
        for label, (p, r, n) in table.items():
            lines.append(f"{label:<14}{p:>10.3f}{r:>8.3f}{n:>9}")
    return "\n".join(lines)
