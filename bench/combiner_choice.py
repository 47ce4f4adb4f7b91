"""Which inputs should the label heads read? The cascade's verdict alone, or the raw signals too.

The shipped combiner reads only the cascade's verdict (FeatureConfig.signal_weight = 0). This script measures
the alternative on both kinds of held-out data, each model trained on the shared data (less its eval-only
sources) plus the hand-written sets already read (bench/data/README.md):

- leave-one-source-out over the shared data: the held-out benchmark is never trained on;
- the never-read hand-written sets: trained on everything else, scored once, aggregates only.

    python bench/combiner_choice.py    # writes bench/results/combiner_choice.json

On 2 cores it took about 8 minutes with 17 read sets and over 25 minutes with 32 (38 now): the signal-reading fits grow
slow with the training set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import NEVER_READ_SETS, READ_SETS, RESULTS, read, signals  # noqa: E402
from classifiers.engine import STATIC_FILE, default_model_dir  # noqa: E402
from classifiers.evaluation import accuracy, macro_f1  # noqa: E402
from classifiers.model import LABEL_ORDER, FeatureConfig, design_matrix, label_probabilities  # noqa: E402
from classifiers.static_embedding import StaticEmbedder  # noqa: E402
from classifiers.training import EVAL_ONLY_SOURCES, TrainConfig, fit  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
READ, NEVER_READ = READ_SETS, [n for n in NEVER_READ_SETS if (DATA / f"{n}.jsonl").is_file()]
CONFIGS = {
    "verdict only (shipped)": FeatureConfig(),
    "verdict + signals x0.3": FeatureConfig(signal_weight=0.3, cascade_detail=True),
    "verdict + signals x1.0": FeatureConfig(signal_weight=1.0, cascade_detail=True),
}


def main() -> int:
    shared = read()
    sets = {n: read(DATA / f"{n}.jsonl") for n in READ + NEVER_READ}
    recs = shared + [r for n in READ + NEVER_READ for r in sets[n]]
    sigs, embs = signals(recs, StaticEmbedder(default_model_dir() / STATIC_FILE))  # type: ignore[arg-type]
    group = [r.record.metadata.get("source", "?") for r in shared] + [n for n in READ + NEVER_READ for _ in sets[n]]
    truth = [r.label or "" for r in recs]
    sources = sorted(set(group[: len(shared)]))
    trainable = [i for i, g in enumerate(group) if g in READ or (g in sources and g not in EVAL_ONLY_SOURCES)]

    def forced(cfg: FeatureConfig, train: list[int], test: list[int]) -> list[str]:
        sub = lambda idx: {k: v[idx] for k, v in embs.items()}  # noqa: E731
        comb, _ = fit([sigs[i] for i in train], sub(train), [recs[i] for i in train], TrainConfig(features=cfg))
        heads = comb.probabilities(design_matrix([sigs[i] for i in test], sub(test), cfg))
        probs = label_probabilities(heads[0], heads[1])
        verdicts = comb.predict([sigs[i] for i in test], sub(test))
        return [v.label if v.label != "unknown" else LABEL_ORDER[int(np.argmax(p))] for v, p in zip(verdicts, probs)]

    rows = []
    print(f"{'label heads read':<26}{'LOSO worst source':>24}{'LOSO llmbar':>13}{'LOSO pooled':>13}"
          f"{'never-read acc':>16}{'macro-F1':>10}")
    for name, cfg in CONFIGS.items():
        per_source, t_all, p_all = {}, [], []
        for src in sources:
            test = [i for i, g in enumerate(group) if g == src]
            pred = forced(cfg, [i for i in trainable if group[i] != src], test)
            per_source[src] = accuracy([truth[i] for i in test], pred)
            t_all += [truth[i] for i in test]
            p_all += pred
        test = [i for i, g in enumerate(group) if g in NEVER_READ]
        pred = forced(cfg, trainable, test)
        t_never = [truth[i] for i in test]
        worst = min(per_source, key=per_source.__getitem__)
        row = {"config": name, "loso_per_source": per_source, "loso_pooled_accuracy": accuracy(t_all, p_all),
               "never_read_n": len(test), "never_read_accuracy": accuracy(t_never, pred),
               "never_read_macro_f1": macro_f1(t_never, pred)}
        rows.append(row)
        print(f"{name:<26}{f'{per_source[worst]:.3f} ({worst})':>24}{per_source['llmbar']:>13.3f}"
              f"{row['loso_pooled_accuracy']:>13.3f}{row['never_read_accuracy']:>16.3f}{row['never_read_macro_f1']:>10.3f}",
              flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "combiner_choice.json"
    out.write_text(json.dumps({"never_read_sets": NEVER_READ, "trained_on_sets": READ, "rows": rows}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
