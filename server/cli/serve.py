"""`formfact serve`: run the gRPC service on the embedded default (SQLite + the shipped classifier)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from server.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the gRPC service")
    p.add_argument("--host", default=None, help="bind address (default [::])")
    p.add_argument("--port", type=int, default=None, help="port (default 50051; 0 picks a free one)")
    p.add_argument("--db", type=Path, default=None, help="SQLite database file (default formfact.db)")
    p.add_argument("--classifier", type=Path, default=None, help="a trained classifier directory")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from server.app import serve

    settings = Settings.from_env(host=args.host, port=args.port, db_path=args.db, classifier_dir=args.classifier)
    logging.getLogger().setLevel(logging.INFO)

    def ready(port: int) -> None:
        print(f"formfact listening on {settings.host}:{port} (db {settings.db_path})", flush=True)

    serve(settings, ready)
    return 0
