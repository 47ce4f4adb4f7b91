"""`formfact train-classifier`: build a new diagnosis model version from seed data plus people's feedback.

Reads one or more labelled JSONL files (the seed data, corrected records), trains the learned combiner
(classifiers.training.train_model), prints the held-out figures, and, given `--compare-to`, says whether the
new version is not worse than the current one on the held-out share (exit code 3 when it is worse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classifiers.training import EVAL_ONLY_SOURCES as DEFAULT_EXCLUDED


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train-classifier", help="train a new diagnosis model version from labelled JSONL files")
    p.add_argument("files", type=Path, nargs="+", help="labelled JSONL files (seed data, feedback)")
    p.add_argument("-o", "--out", type=Path, required=True, help="model directory to write")
    p.add_argument("--seed", type=int, default=0, help="seed of the held-out split and the folds")
    p.add_argument("--heldout", type=float, default=0.2, help="share of cases held out for the figures")
    p.add_argument("--exclude-source", action="append", default=None, metavar="NAME",
                   help="drop records whose metadata.source is NAME (repeatable; default: "
                        + ", ".join(DEFAULT_EXCLUDED) + "; pass 'none' to keep all)")
    p.add_argument("--compare-to", type=Path, default=None,
                   help="a current model directory: report whether the new one is not worse")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from classifiers.records import BadLine, LabelledRecord, read_jsonl, read_lines
    from classifiers.training import _split, compare, train_model

    excluded = set(DEFAULT_EXCLUDED if args.exclude_source is None else args.exclude_source) - {"none"}
    records: list[LabelledRecord] = []
    for path in args.files:
        for _, item in read_jsonl(read_lines(path)):
            if isinstance(item, BadLine):
                print(f"{path}:{item.line_no}: skipped: {item.message}", file=sys.stderr)
            elif item.record.metadata.get("source") not in excluded:
                records.append(item)
    if not 0.0 < args.heldout < 0.9:
        print("formfact train-classifier: --heldout must be in (0, 0.9)", file=sys.stderr)
        return 2
    bar = tqdm(total=2, unit="step", file=sys.stderr, desc="training")
    try:
        result = train_model(records, args.out, seed=args.seed, heldout_share=args.heldout, progress=bar.update,
                             exclude_sources=tuple(excluded), training_files=[p.name for p in args.files])
    except ValueError as exc:
        print(f"formfact train-classifier: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(f"model {result.version} written to {result.model_dir} "
          f"({result.n_train} train / {result.n_heldout} held-out cases)")
    print(json.dumps(result.figures, indent=2, sort_keys=True))
    if args.compare_to is not None:
        labelled = [r for r in records if r.label in ("information", "behavior", "both")]
        _, held = _split(labelled, args.heldout, args.seed)
        ok = compare(args.out, args.compare_to, [labelled[i] for i in held])
        print("not worse than the current model" if ok else "WORSE than the current model: keep the current one")
        return 0 if ok else 3
    return 0
