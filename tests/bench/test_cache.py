"""The benchmarks' reader: a labelled set with a bad line stops the run and names the line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._cache import read  # noqa: E402


def test_a_bad_line_stops_a_benchmark_and_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"id": "a", "input": "Q?", "output": "A.", "label": "information"}\n\n'
                    '{"id": "b", "input": "Q?", "output": "A.", "checks": [{"name": "json_parse"}]}\n')
    with pytest.raises(SystemExit, match=r"set\.jsonl:3: checks\[0\]\.passed"):
        read(path)
    path.write_text('{"id": "a", "input": "Q?", "output": "A.", "label": "information"}\n')
    assert [r.record.id for r in read(path)] == ["a"]


def test_every_labelled_set_in_bench_data_is_read_whole() -> None:
    # Among them sets written as a team's own eval tool exports them (bench/data/README.md, ood_free*): a
    # reader that refused a shape they use would score those cases as wrong answers.
    from bench._cache import HAND_DATA

    sets = sorted(HAND_DATA.glob("*.jsonl"))
    assert len(sets) >= 80
    for path in sets:
        n_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        recs = read(path)  # raises SystemExit naming the line on any refusal
        assert len(recs) == n_lines and all(r.label in ("information", "behavior", "both") for r in recs), path
