"""Regenerate the Python gRPC stubs from proto/ into server/_proto/ (committed; a test checks they are fresh).

Usage: python scripts/gen_protos.py [OUT_DIR]
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
DEFAULT_OUT = ROOT / "server" / "_proto"
PACKAGE = "server._proto"


def generate(out_dir: Path) -> list[Path]:
    """Run protoc on every .proto file and write importable modules under out_dir."""
    import grpc_tools
    from grpc_tools import protoc

    protos = sorted(PROTO_DIR.rglob("*.proto"))
    include = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            "protoc",
            f"-I{PROTO_DIR}",
            f"-I{include}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}",
            *map(str, protos),
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(tmp, out_dir)
    written = []
    for path in sorted(out_dir.rglob("*.py*")):
        text = path.read_text()
        # protoc writes absolute imports ("from formfact.v1 import x_pb2"); make them package-relative.
        text = re.sub(r"^from formfact\.v1 import", f"from {PACKAGE}.formfact.v1 import", text, flags=re.M)
        path.write_text(text)
        written.append(path)
    for folder in [out_dir, *[p for p in out_dir.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    for p in generate(target):
        print(p.relative_to(target))
