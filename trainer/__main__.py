"""`python -m trainer --server ADDR ...`: the same worker as `formfact trainer`."""

from __future__ import annotations

import sys

from server.cli import main

if __name__ == "__main__":
    sys.exit(main(["trainer", *sys.argv[1:]]))
