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
