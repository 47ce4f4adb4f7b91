"""`formfact eval` and `formfact train-classifier`, run through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

from server.cli import main


def test_eval_counts_every_case_and_writes_report(labelled_file: Path, tmp_path: Path, capsys) -> None:
    with labelled_file.open("a") as fh:
        fh.write('{"id": "broken", "input": "", "output": "x", "label": "behavior"}\n')
        fh.write("not json at all\n")
    out_json, out_png = tmp_path / "rep.json", tmp_path / "rep.png"
    rc = main(["eval", str(labelled_file), "--json", str(out_json), "--png", str(out_png), "--quiet"])
    assert rc == 0
    rep = json.loads(out_json.read_text())
    n_lines = len(labelled_file.read_text().splitlines())
    assert rep["n"] == n_lines
    assert rep["unreadable_lines"] == 2 and rep["errors"] == 2
    assert 0.0 <= rep["macro_f1"] <= 1.0 and rep["coverage"] < 1.0
    assert sum(map(sum, rep["confusion"])) == n_lines
    # The two unreadable lines carry no confidence: the first to leave when the least confident go to review.
    assert set(rep["accuracy_at_coverage"]) == {"0.90", "0.80"}
    assert rep["accuracy_at_coverage"]["0.90"] > rep["accuracy"]
    assert out_png.stat().st_size > 1000
    assert "accuracy" in capsys.readouterr().out


def test_eval_counts_a_case_the_engine_fails_on_as_an_error(labelled_cases: list[dict], tmp_path: Path,
                                                           engine_bug: str, capsys) -> None:
    cases = [dict(c) for c in labelled_cases]
    cases[3]["id"] = engine_bug + "3"
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    rc = main(["eval", str(path), "--json", str(tmp_path / "r.json"), "--png", str(tmp_path / "r.png"), "--quiet"])
    assert rc == 0
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["n"] == len(cases) and rep["errors"] == 1 and rep["unreadable_lines"] == 0
    assert f"{engine_bug}3: not diagnosed: engine bug" in capsys.readouterr().err


def test_eval_reads_a_json_array_export_and_keeps_the_label_of_an_unreadable_case(
        labelled_cases: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    broken = {"id": "broken", "input": "", "output": "x", "label": "Behaviour"}
    path.write_text(json.dumps([*labelled_cases, broken], indent=2))
    rc = main(["eval", str(path), "--json", str(tmp_path / "r.json"), "--png", str(tmp_path / "r.png"), "--quiet"])
    assert rc == 0
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["n"] == len(labelled_cases) + 1 and rep["unreadable_lines"] == 1 and rep["errors"] == 1
    # The unreadable case counts as a wrong answer under its own (normalised) label.
    assert rep["per_label"]["behavior"]["support"] == sum(c["label"] == "behavior" for c in labelled_cases) + 1


def test_eval_scores_a_file_labelled_in_another_taxonomy(labelled_cases: list[dict], tmp_path: Path,
                                                         capsys) -> None:
    # DeepEval's field names and its own subtype names: every case is read and scored; the subtypes formfact
    # has no name for are listed apart instead of scoring as misses.
    path = tmp_path / "other.jsonl"
    with path.open("w") as fh:
        for c in labelled_cases:
            other = {k: v for k, v in c.items() if k not in ("output", "reference")}
            other.update(actual_output=c["output"], expected_output=c.get("reference"))
            other["subtypes"] = ["tone_mismatch" if s == "style" else s for s in c.get("subtypes") or []] + ["vibes"]
            fh.write(json.dumps(other) + "\n")
    rc = main(["eval", str(path), "--json", str(tmp_path / "r.json"), "--png", str(tmp_path / "r.png"), "--quiet"])
    assert rc == 0
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["n"] == len(labelled_cases) and rep["unreadable_lines"] == 0 and rep["errors"] == 0
    assert rep["subtype_recall"]["vibes"]["support"] == len(labelled_cases)
    out = capsys.readouterr().out
    assert "not formfact subtypes (never named, so not scored): " in out and f"vibes ({len(labelled_cases)})" in out
    assert not any(line.startswith("vibes") for line in out.splitlines())


def test_train_classifier_writes_a_loadable_model(labelled_file: Path, tmp_path: Path, trained_dir: Path,
                                                  capsys) -> None:
    out = tmp_path / "model"
    rc = main(["train-classifier", str(labelled_file), "-o", str(out), "--compare-to", str(trained_dir)])
    assert rc == 0
    assert (out / "manifest.json").is_file() and (out / "model.npz").is_file()
    assert "not worse" in capsys.readouterr().out
    # The manifest names the files it learned from, so an evaluation can tell in-sample sets from unseen ones.
    assert json.loads((out / "manifest.json").read_text())["training_files"] == [labelled_file.name]


def test_train_classifier_refuses_too_little_data(tmp_path: Path, capsys) -> None:
    path = tmp_path / "few.jsonl"
    path.write_text('{"id": "a", "input": "q", "output": "a", "label": "behavior"}\n')
    assert main(["train-classifier", str(path), "-o", str(tmp_path / "m")]) == 2
    assert "at least 20" in capsys.readouterr().err
