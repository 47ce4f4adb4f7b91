#!/usr/bin/env bash
# Run the test suite: starts a throwaway PostgreSQL (if this machine has one) for the PostgreSQL store tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if [ -z "${FORMFACT_TEST_POSTGRES_URL:-}" ] && [ -x scripts/start_postgres.sh ]; then
  if url=$(scripts/start_postgres.sh 2>/tmp/formfact-postgres.log); then
    export FORMFACT_TEST_POSTGRES_URL="$url"
    echo "PostgreSQL for tests: $url"
  else
    echo "PostgreSQL not started (see /tmp/formfact-postgres.log); its tests will be skipped"
  fi
fi
exec python -m pytest -q "$@"
