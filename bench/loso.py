"""Leave-one-source-out evaluation of the learned combiner (and of the v1 rule cascade alone).

For each source in the shared data: train on the other sources, diagnose the held-out one. metadata.source
is read ONLY to split. Prints per-source label accuracy and pooled accuracy / macro-F1 / coverage / covered
accuracy, with and without the review threshold, and writes bench/results/loso[_drop].json.

    python bench/loso.py                 # all fields, the shipped static embedding
    python bench/loso.py --teacher       # the same with the MiniLM transformer
    python bench/loso.py --drop-fields   # input + output [+ reference] only
    python bench/loso.py --ship-sources  # never train on realtimeqa / faithbench (as the shipped model)
    python bench/loso.py --ship-sources --extra bench/data/ood_*.jsonl
                                         # also train on other labelled files (never tested on)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import RESULTS, cached_embedder, read, signals  # noqa: E402
from classifiers.cascade import decide  # noqa: E402
from classifiers.evaluation import accuracy, coverage, covered_accuracy, macro_f1, subtype_recall  # noqa: E402
from classifiers.model import LABEL_ORDER, FeatureConfig, design_matrix, label_probabilities  # noqa: E402
from classifiers.training import TrainConfig, fit  # noqa: E402

EVAL_ONLY = ("realtimeqa", "faithbench")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--drop-fields", action="store_true", help="remove expected_format, instructions, context")
    ap.add_argument("--ship-sources", action="store_true", help="exclude realtimeqa/faithbench from training")
    ap.add_argument("--embeddings", action="store_true", help="append input/output embeddings to the features")
    ap.add_argument("--c", type=float, default=TrainConfig.c)
    ap.add_argument("--signal-weight", type=float, default=FeatureConfig.signal_weight)
    ap.add_argument("--embedder", type=Path, default=None,
                    help="a static embedding .npz (default: the shipped model's table)")
    ap.add_argument("--teacher", action="store_true", help="embed with the MiniLM transformer instead")
    ap.add_argument("--max-threshold", type=float, default=TrainConfig.max_threshold)
    ap.add_argument("--cascade-detail", action="store_true", help="rule and subtype one-hots as features")
    ap.add_argument("--extra", type=Path, nargs="*", default=[],
                    help="labelled JSONL files added to every training split (the shipped model's recipe)")
    args = ap.parse_args()

    recs = read(drop_fields=args.drop_fields)
    n_shared = len(recs)
    for path in args.extra:
        recs += read(path, drop_fields=args.drop_fields)
    emb, save = cached_embedder()
    if not args.teacher:
        from classifiers.engine import STATIC_FILE, default_model_dir
        from classifiers.static_embedding import StaticEmbedder

        emb = StaticEmbedder(args.embedder or default_model_dir() / STATIC_FILE)  # type: ignore[assignment]
    t0 = time.perf_counter()
    sigs, embs = signals(recs, emb)
    save()
    t_sig = time.perf_counter() - t0
    sources = [r.record.metadata.get("source", "?") for r in recs[:n_shared]]
    cfg = TrainConfig(c=args.c, max_threshold=args.max_threshold, features=FeatureConfig(
        use_embeddings=args.embeddings, signal_weight=args.signal_weight, cascade_detail=args.cascade_detail))
    truth = [r.label or "" for r in recs[:n_shared]]
    pred = [""] * n_shared
    forced = [""] * n_shared
    # Subtypes as the engine names them; a case sent to review names none.
    pred_subs: list[tuple[str, ...]] = [()] * n_shared
    rules = [decide(s).label for s in sigs[:n_shared]]
    rows = []
    for src in sorted(set(sources)):
        test = [i for i, s in enumerate(sources) if s == src]
        train = [i for i, s in enumerate(sources) if s != src and not (args.ship_sources and s in EVAL_ONLY)]
        train += range(n_shared, len(recs))
        comb, _ = fit([sigs[i] for i in train], {k: v[train] for k, v in embs.items()},
                      [recs[i] for i in train], cfg)
        verdicts = comb.predict([sigs[i] for i in test], {k: v[test] for k, v in embs.items()})
        x = comb.probabilities(design_matrix([sigs[i] for i in test], {k: v[test] for k, v in embs.items()},
                                             cfg.features))
        probs = label_probabilities(x[0], x[1])
        for j, i in enumerate(test):
            pred[i] = verdicts[j].label
            # Forced: the combiner's label without the review threshold (validators still win).
            pred_subs[i] = tuple(verdicts[j].subtypes)
            forced[i] = verdicts[j].label if verdicts[j].label != "unknown" else LABEL_ORDER[int(np.argmax(probs[j]))]
        t = [truth[i] for i in test]
        rows.append({
            "source": src, "n": len(test),
            "accuracy_forced": accuracy(t, [forced[i] for i in test]),
            "accuracy": accuracy(t, [pred[i] for i in test]),
            "coverage": coverage([pred[i] for i in test]),
            "covered_accuracy": covered_accuracy(t, [pred[i] for i in test]),
            "rules_accuracy": accuracy(t, [rules[i] for i in test]),
            "threshold": comb.threshold,
        })
    pooled = {
        "accuracy_forced": accuracy(truth, forced), "macro_f1_forced": macro_f1(truth, forced),
        "accuracy": accuracy(truth, pred), "macro_f1": macro_f1(truth, pred),
        "macro_f1_info_behavior": macro_f1(truth, pred, ["information", "behavior"]),
        "coverage": coverage(pred), "covered_accuracy": covered_accuracy(truth, pred),
        "rules_accuracy": accuracy(truth, rules), "rules_macro_f1": macro_f1(truth, rules),
    }
    subs = subtype_recall([tuple(r.subtypes) for r in recs[:n_shared]], pred_subs)
    print(f"{'source':<18}{'n':>5}{'acc(forced)':>13}{'acc':>7}{'cover':>7}{'cov.acc':>9}{'rules':>7}{'thr':>6}")
    for r in rows:
        print(f"{r['source']:<18}{r['n']:>5}{r['accuracy_forced']:>13.3f}{r['accuracy']:>7.3f}{r['coverage']:>7.3f}"
              f"{r['covered_accuracy']:>9.3f}{r['rules_accuracy']:>7.3f}{r['threshold']:>6.2f}")
    print("pooled: " + ", ".join(f"{k}={v:.3f}" for k, v in pooled.items()))
    print("subtype recall (cases sent to review count as misses): " + ", ".join(
        f"{k}={v['recall']:.2f}/{int(v['support'])}" for k, v in sorted(subs.items())))
    print(f"signals for {len(recs)} records in {t_sig:.1f}s" + (f" ({len(recs) - n_shared} extra, trained on only)"
                                                               if len(recs) > n_shared else ""))
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "loso" + ("_drop" if args.drop_fields else "") + ("_ship" if args.ship_sources else "") + (
        "_emb" if args.embeddings else "") + ("_teacher" if args.teacher else "") + ("_extra" if args.extra else "")
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps({"args": vars(args), "per_source": rows, "pooled": pooled,
                                      "subtype_recall": subs}, indent=2, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
