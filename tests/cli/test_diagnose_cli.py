"""`formfact diagnose` end to end: in-process and through a server, bad lines named, summary printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import main
from server.store.base import DiagnosisFilter
from server.testing import spawn_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "failures.jsonl"


@pytest.fixture
def messy_file(tmp_path: Path) -> Path:
    """The shipped examples with a broken JSON line and an invalid record in the middle."""
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "{this is not json")
    lines.insert(6, json.dumps({"id": "no-input", "output": "x"}))
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_in_process_reports_bad_lines_and_processes_the_rest(messy_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "diagnoses.jsonl"
    code = main(["diagnose", str(messy_file), "-o", str(out), "--db", str(tmp_path / "f.db"), "--quiet"])
    assert code == 1  # some lines were bad
    captured = capsys.readouterr()
    assert f"{messy_file}:4: skipped: not valid JSON" in captured.err
    assert f"{messy_file}:7: skipped: input: is required" in captured.err
    written = [json.loads(line) for line in out.read_text().splitlines()]
    expected_ids = [json.loads(line)["id"] for line in EXAMPLES.read_text().splitlines()]
    assert [d["id"] for d in written] == expected_ids
    assert all(d["label"] in ("information", "behavior", "both", "unknown") for d in written)
    assert "precision" in captured.out and "recall" in captured.out
    assert "diagnosed 12 cases (2 bad lines skipped)" in captured.out


def test_a_line_that_is_not_utf8_or_not_text_is_named_and_the_rest_are_read(tmp_path: Path, capsys) -> None:
    cases = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()][:4]
    cases[1]["input"] += "\u2028(a line separator, which JSON allows in a string as it is)"
    lines = [json.dumps(c, ensure_ascii=False).encode() for c in cases]
    lines[2] = lines[2].replace(b'"input": "', b'"input": "\xff', 1)  # a byte that is not UTF-8
    lines[3] = lines[3].replace(b'"output": "', b'"output": "\\udc00', 1)  # an escaped surrogate with no pair
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "diagnoses.jsonl"
    # Each of the three raised before: UnicodeDecodeError for the file, a line split in two, a case not diagnosed.
    assert main(["diagnose", str(path), "-o", str(out), "--no-store", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3: skipped: not valid UTF-8: byte 0xff at column" in err
    assert f"{path}:4: skipped: output: holds a lone UTF-16 surrogate" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [c["id"] for c in cases[:2]]


def test_a_score_that_is_nan_or_infinity_is_not_scored_and_the_case_is_stored(tmp_path: Path, capsys) -> None:
    # Python's json writes them (Ragas scores NaN where its judge failed); the store refused them, and the run
    # stopped with a traceback after the first batch.
    cases = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()][:3]
    cases[0]["checks"] = [{"name": "faithfulness", "score": float("nan"), "threshold": 0.5}]
    cases[1]["checks"] = {"answer_relevancy": float("inf"), "json_parse": True}
    cases[2]["metadata"] = {"latency_s": float("-inf")}
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    assert "NaN" in path.read_text() and "Infinity" in path.read_text()
    db = tmp_path / "f.db"
    assert main(["diagnose", str(path), "--db", str(db), "--quiet"]) == 0
    assert "diagnosed 3 cases (0 bad lines skipped)" in capsys.readouterr().out
    from server.store import open_store

    store = open_store(db)
    try:
        stored = {s.diagnosis.id: s for s in store.list_diagnoses(DiagnosisFilter(), 100, "").items}
        assert sorted(stored) == sorted(c["id"] for c in cases)
        assert [c.name for c in stored[cases[1]["id"]].record.checks] == ["json_parse"]
    finally:
        store.close()


def test_a_case_the_engine_fails_on_is_named_and_the_rest_are_stored(tmp_path: Path, engine_bug: str,
                                                                     capsys) -> None:
    cases = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    cases[4]["id"] = engine_bug + "4"
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    out, db = tmp_path / "diagnoses.jsonl", tmp_path / "f.db"
    assert main(["diagnose", str(path), "-o", str(out), "--db", str(db), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert f"{path}:5: not diagnosed: engine bug on {engine_bug}4" in captured.err
    assert f"diagnosed {len(cases) - 1} cases (0 bad lines skipped, 1 not diagnosed)" in captured.out
    written = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert written == [c["id"] for i, c in enumerate(cases) if i != 4]
    from server.store import open_store

    store = open_store(db)
    try:
        assert sorted(s.diagnosis.id for s in store.list_diagnoses(DiagnosisFilter(), 100, "").items) == sorted(written)
    finally:
        store.close()


def test_through_a_running_server_gives_the_same_diagnoses(tmp_path: Path) -> None:
    db = tmp_path / "server.db"
    proc, address = spawn_server(db)
    try:
        # A corpus that holds the fact one example got wrong: both paths refine that case with it.
        docs = tmp_path / "docs.jsonl"
        docs.write_text(json.dumps({"id": "neha-sharma", "source": "wiki", "text": (
            "Neha Sharma is an Indian film actress and model, born in 1987. She is a native of Bihar and went to "
            "school in Bhagalpur. She played a lead role opposite Vivek Oberoi in Jayantabhai Ki Luv Story.")}) + "\n")
        cli = [sys.executable, "-m", "server.cli"]
        subprocess.run([*cli, "corpus", "--server", address, "ingest", str(docs)], check=True, capture_output=True)
        remote = tmp_path / "remote.jsonl"
        local = tmp_path / "local.jsonl"
        exe = [*cli, "diagnose", str(EXAMPLES), "--quiet"]
        subprocess.run([*exe, "--server", address, "-o", str(remote)], check=True, capture_output=True)
        subprocess.run([*exe, "--no-store", "--db", str(db), "-o", str(local)], check=True, capture_output=True)
        assert remote.read_text() == local.read_text()
        refined = [json.loads(line) for line in remote.read_text().splitlines()
                   if json.loads(line)["id"] == "halueval_qa-0193"]
        assert [e["signal"] for e in refined[0]["evidence"]].count("corpus_retrieval") == 1
        stats = subprocess.run([sys.executable, "-m", "server.cli", "queue", "--server", address, "stats"],
                               check=True, capture_output=True, text=True).stdout
        depth = {row.split()[0]: int(row.split()[1]) for row in stats.splitlines()[1:]}
        labels = [json.loads(line)["route"] for line in remote.read_text().splitlines()]
        assert depth == {q: labels.count(q) for q in ("rag", "finetune", "review")}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_console_script_is_installed() -> None:
    exe = shutil.which("formfact")
    assert exe is not None, "pip install -e . installs the formfact console script"
    out = subprocess.run([exe, "--help"], check=True, capture_output=True, text=True).stdout
    for command in ("serve", "diagnose", "queue"):
        assert command in out
