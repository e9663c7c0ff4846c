#!/usr/bin/env bash
# Runs the MCQ graph against the bundled model simulator with injected
# faults (rate limits with Retry-After, overloads, truncated and malformed
# answers), so you can watch retries and fallbacks recover the run.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=${1:-examples/biology_openstax-biology-2e_4-3-eukaryotic-cells.md}
addr=127.0.0.1:${SIM_PORT:-8089}

go build -o bin/graphrun ./cmd/graphrun
mkdir -p out
bin/graphrun llm-sim --addr "$addr" --seed 7 --latency 20ms \
  --fail rate_limit=0.15,server_error=0.2,quota=0.1 --truncate 0.05 --malformed 0.05 \
  --retry-after 1s &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://$addr/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

OPENAI_BASE_URL="http://$addr/v1" OPENAI_API_KEY=sk-demo GRAPHRUN_MODEL=sim-primary \
GRAPHRUN_BACKUP_MODEL=sim-backup GRAPHRUN_LLM_TIMEOUT=5s \
  bin/graphrun run graphs/mcq.yaml --db out/demo-faults.db --set document="$doc" --set target=12 --set max_chunks=10
