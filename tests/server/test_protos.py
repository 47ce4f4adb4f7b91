"""The committed stubs are what scripts/gen_protos.py makes from proto/ today, and import under the pinned floors."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "server" / "_proto"
# The generator stamps its own version into each stub; a newer grpcio-tools changes only these lines.
_GRPC_STAMP = re.compile(r"^GRPC_GENERATED_VERSION = '([\d.]+)'$", re.M)
_PROTOBUF_STAMP = re.compile(r"ValidateProtobufRuntimeVersion\(\s*_runtime_version\.Domain\.PUBLIC,"
                             r"\s*(\d+),\s*(\d+),\s*(\d+),")
_PROTOBUF_COMMENT = re.compile(r"^# Protobuf Python Version: .*$", re.M)


def _unstamped(text: str) -> str:
    text = _GRPC_STAMP.sub("GRPC_GENERATED_VERSION = ''", text)
    text = _PROTOBUF_STAMP.sub("ValidateProtobufRuntimeVersion(", text)
    return _PROTOBUF_COMMENT.sub("", text)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


def test_generated_stubs_are_fresh(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path / "_proto")
    fresh = sorted(p.relative_to(tmp_path / "_proto") for p in (tmp_path / "_proto").rglob("*") if p.is_file())
    have = sorted(p.relative_to(COMMITTED) for p in COMMITTED.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)
    assert fresh == have, "stub files differ: run python scripts/gen_protos.py"
    stale = [str(p) for p in fresh
             if _unstamped((tmp_path / "_proto" / p).read_text()) != _unstamped((COMMITTED / p).read_text())]
    assert not stale, f"stale stubs (run python scripts/gen_protos.py): {stale}"


def test_the_dependency_floors_cover_the_versions_the_stubs_check_at_import() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    floor = {m.group(1): _version(m.group(2))
             for m in re.finditer(r'^\s*"(grpcio|protobuf)>=([\d.]+)"', pyproject, re.M)}
    grpc_stamps = {_version(m.group(1)) for p in COMMITTED.rglob("*_grpc.py")
                   if (m := _GRPC_STAMP.search(p.read_text()))}
    pb_stamps = {tuple(map(int, m.groups())) for p in COMMITTED.rglob("*_pb2.py")
                 if (m := _PROTOBUF_STAMP.search(p.read_text()))}
    assert grpc_stamps and pb_stamps
    # A stub generated for a newer runtime than pyproject allows raises at import on an older one.
    assert max(grpc_stamps) <= floor["grpcio"]
    assert max(pb_stamps) <= floor["protobuf"]
