"""Helpers for tests and benchmarks that need a real formfact server in another process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Mapping


def spawn_server(db: Path | str, env: Mapping[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start `formfact serve` on a free loopback port; returns the process and its address once it listens."""
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=full_env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"listening on .*:(\d+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"formfact serve did not start: {line!r}")
    return proc, f"127.0.0.1:{match.group(1)}"
