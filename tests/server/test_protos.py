"""The committed stubs are what scripts/gen_protos.py makes from proto/ today."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_stubs_are_fresh(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path / "_proto")
    committed = ROOT / "server" / "_proto"
    fresh = sorted(p.relative_to(tmp_path / "_proto") for p in (tmp_path / "_proto").rglob("*") if p.is_file())
    have = sorted(p.relative_to(committed) for p in committed.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)
    assert fresh == have, "stub files differ: run python scripts/gen_protos.py"
    stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / "_proto" / p, committed / p, shallow=False)]
    assert not stale, f"stale stubs (run python scripts/gen_protos.py): {stale}"
