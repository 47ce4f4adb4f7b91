"""The `formfact` command line: one module per command, each with `register(subparsers)`."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Sequence

from server.cli import diagnose, evaluate, queue, serve, train_classifier
from server.cli import trainer as trainer_cmd
from server.cli import corpus as corpus_cmd

COMMANDS = (serve, diagnose, queue, trainer_cmd, evaluate, train_classifier, corpus_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="formfact",
        description="Diagnose failed LLM eval cases: information (fix with RAG) or behavior (fix with finetuning).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
