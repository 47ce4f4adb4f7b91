"""`formfact eval FILE.jsonl`: diagnose a labelled file in-process and report how right the engine is.

Reports accuracy, macro-F1, per-label precision/recall, Cohen's kappa, the confusion matrix, coverage (share
not sent to review), accuracy on the covered part and per-subtype recall; writes a JSON report and a PNG
(confusion matrix + reliability diagram). Every case counts: a line that cannot be read or diagnosed is a
wrong answer (predicted "error"), never dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from classifiers.records import SUBTYPES, BadLine, Diagnosis, LabelledRecord, label_name, read_jsonl, read_lines

BATCH = 64
ERROR = "error"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="diagnose a labelled JSONL file and report accuracy, F1, kappa, coverage")
    p.add_argument("file", type=Path, help="JSONL of failure records with `label` (and `subtypes`)")
    p.add_argument("--classifier", type=Path, default=None, help="a trained classifier directory (default: shipped)")
    p.add_argument("--json", dest="json_out", type=Path, default=None,
                   help="report path (default: FILE.eval.json next to the input)")
    p.add_argument("--png", type=Path, default=None, help="figure path (default: FILE.eval.png)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _label_of_bad_line(bad: BadLine) -> tuple[str | None, tuple[str, ...]]:
    """The ground truth of a record that could not be read, where its JSON was valid: it still counts."""
    data = bad.data
    if not isinstance(data, dict):
        return None, ()
    label, subs = data.get("label"), data.get("subtypes")
    if isinstance(label, str):
        label = label_name(label)
    return (label if isinstance(label, str) else None,
            tuple(s for s in subs if isinstance(s, str)) if isinstance(subs, list) else ())


def diagnose_all(engine: Any, records: Sequence[LabelledRecord], progress: Any = None) -> list[Diagnosis | None]:
    """Diagnose in batches; a case the engine raises on is None (counted as an error, never dropped)."""
    out: list[Diagnosis | None] = []
    for start in range(0, len(records), BATCH):
        batch = [r.record for r in records[start : start + BATCH]]
        for rec, d in zip(batch, engine.diagnose_each(batch)):
            if isinstance(d, Exception):
                print(f"formfact eval: {rec.id}: not diagnosed: {d}", file=sys.stderr)
                out.append(None)
            else:
                out.append(d)
        if progress is not None:
            progress(len(batch))
    return out


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from classifiers import load_engine
    from classifiers.evaluation import report

    items = list(read_jsonl(read_lines(args.file)))
    good = [it for _, it in items if isinstance(it, LabelledRecord)]
    bad = [it for _, it in items if isinstance(it, BadLine)]
    for b in bad:
        print(f"{args.file}:{b.line_no}: unreadable, counted as wrong: {b.message}", file=sys.stderr)
    engine = load_engine(args.classifier)
    bar = tqdm(total=len(good), unit="case", disable=args.quiet, file=sys.stderr, desc="evaluating")
    diagnoses = diagnose_all(engine, good, bar.update)
    bar.close()

    truth, pred, t_sub, p_sub, conf = [], [], [], [], []
    unlabelled = 0
    for rec, d in zip(good, diagnoses):
        if rec.label is None:
            unlabelled += 1
            continue
        truth.append(rec.label)
        pred.append(d.label if d is not None else ERROR)
        t_sub.append(rec.subtypes)
        p_sub.append(d.subtypes if d is not None else ())
        conf.append(d.confidence if d is not None else 0.0)
    for b in bad:
        label, subs = _label_of_bad_line(b)
        truth.append(label or "(unreadable)")
        pred.append(ERROR)
        t_sub.append(subs)
        p_sub.append(())
        conf.append(0.0)
    if not truth:
        print("formfact eval: no labelled cases in the file", file=sys.stderr)
        return 2
    rep = report(truth, pred, t_sub, p_sub, conf).to_dict()
    rep.update(file=str(args.file), classifier_version=engine.version, unreadable_lines=len(bad),
               unlabelled_skipped=unlabelled, errors=sum(p == ERROR for p in pred))
    json_out = args.json_out or args.file.with_suffix(".eval.json")
    png_out = args.png or args.file.with_suffix(".eval.png")
    json_out.write_text(json.dumps(rep, indent=2, sort_keys=True) + "\n")
    plot(rep, png_out)
    print(render(rep))
    print(f"\nwrote {json_out} and {png_out}")
    return 0


def render(rep: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    lines = [f"{rep['n']} cases, classifier {rep['classifier_version']}",
             f"accuracy {rep['accuracy']:.3f}   macro-F1 {rep['macro_f1']:.3f}   kappa {rep['kappa']:.3f}",
             f"coverage {rep['coverage']:.3f}   accuracy on covered {rep['covered_accuracy']:.3f}   "
             f"ECE {rep['reliability']['ece']:.3f}",
             "accuracy on the most confident " + "   ".join(
                 f"{float(share):.0%}: {acc:.3f}" for share, acc in rep["accuracy_at_coverage"].items()), "",
             f"{'label':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}"]
    for lab, row in rep["per_label"].items():
        lines.append(f"{lab:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{row['f1']:>7.3f}{int(row['support']):>9}")
    labs = rep["confusion_labels"]
    lines += ["", "confusion (rows true, columns predicted)", " " * 14 + "".join(f"{lab[:11]:>12}" for lab in labs)]
    for lab, row in zip(labs, rep["confusion"]):
        lines.append(f"{lab:<14}" + "".join(f"{v:>12}" for v in row))
    lines += ["", f"{'subtype':<24}{'recall':>8}{'support':>9}"]
    foreign = [sub for sub in rep["subtype_recall"] if sub not in SUBTYPES]
    for sub, row in rep["subtype_recall"].items():
        if sub not in foreign:
            lines.append(f"{sub:<24}{row['recall']:>8.3f}{int(row['support']):>9}")
    if foreign:
        # A file labelled in another taxonomy: its labels are scored, these subtypes cannot be.
        lines.append("not formfact subtypes (never named, so not scored): " + ", ".join(
            f"{sub} ({int(rep['subtype_recall'][sub]['support'])})" for sub in foreign))
    return "\n".join(lines)


def plot(rep: dict[str, Any], path: Path) -> None:
    """Confusion matrix and reliability diagram side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    labs = rep["confusion_labels"]
    m = rep["confusion"]
    ax1.imshow(m, cmap="Blues")
    ax1.set_xticks(range(len(labs)), labs, rotation=30)
    ax1.set_yticks(range(len(labs)), labs)
    ax1.set_xlabel("predicted")
    ax1.set_ylabel("true")
    for i, row in enumerate(m):
        for j, v in enumerate(row):
            ax1.text(j, i, str(v), ha="center", va="center", fontsize=9)
    ax1.set_title(f"confusion (accuracy {rep['accuracy']:.3f})")
    bins = rep["reliability"]["bins"]
    ax2.plot([0, 1], [0, 1], "--", color="grey")
    ax2.bar([(b["lo"] + b["hi"]) / 2 for b in bins], [b["accuracy"] for b in bins], width=0.09, alpha=0.7)
    ax2.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-")
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("confidence")
    ax2.set_ylabel("accuracy")
    ax2.set_title(f"reliability (ECE {rep['reliability']['ece']:.3f})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
