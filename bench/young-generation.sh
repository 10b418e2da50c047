#!/bin/bash
# The young generation of a folder-mode server and of a replica under the same load, side by side.
#
#   DATABASE_URL=postgres://…/db bench/young-generation.sh CORPUS_DIR "NODE FLAGS" [IDLE_SECONDS] [REQUESTS]
#
# Starts the compiled server twice (`npm run build` first): on CORPUS_DIR (folder mode) and as a replica of
# DATABASE_URL (which should hold the same articles: `npm run ingest -- --data CORPUS_DIR`), both with
# NODE FLAGS plus --trace-gc and the bench's environment (RATE_LIMIT_MAX=0: no 429s). Waits until both are
# ready, leaves them idle IDLE_SECONDS (default 40), then sends REQUESTS (default 40,000) `/articles?limit=20`
# requests to each in four alternating windows (folder, replica, replica, folder; autocannon -c 10, one URL
# repeated: answer-cache hits on both). Prints per server: CPU ticks (1/100 s, from /proc), wall ms, and the
# scavenges and mark-compacts V8 logged during the load, with the last scavenge's heap line.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${1:?corpus folder}; FLAGS=${2:-}; IDLE=${3:-40}; N=${4:-40000}
: "${DATABASE_URL:?DATABASE_URL of a database holding the same corpus}"
OUT=$(mktemp -d); cd "$ROOT"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PF=$(free_port); PR=$(free_port)
common=(RATE_LIMIT_MAX=0 LOG_LEVEL=warn LOG_PRETTY=false NODE_ENV=production HOST=127.0.0.1)
env "${common[@]}" PORT=$PF DATA_DIR="$CORPUS" node $FLAGS --trace-gc dist/server.js > "$OUT/folder.log" 2>&1 & F=$!
env "${common[@]}" PORT=$PR DATA_DIR= node $FLAGS --trace-gc dist/server.js > "$OUT/replica.log" 2>&1 & R=$!
trap 'kill $F $R 2>/dev/null || true' EXIT
for p in $PF $PR; do for _ in $(seq 1 900); do curl -sf "127.0.0.1:$p/ready" >/dev/null && break; sleep 0.2; done; done
sleep "$IDLE"
start_f=$(wc -l < "$OUT/folder.log"); start_r=$(wc -l < "$OUT/replica.log")
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
declare -A PID=([$PF]=$F [$PR]=$R) T=([$PF]=0 [$PR]=0) W=([$PF]=0 [$PR]=0)
for p in $PF $PR $PR $PF; do
  c0=$(cpu "${PID[$p]}"); t0=$(date +%s%N)
  npx autocannon -c 10 -a $((N / 2)) "http://127.0.0.1:$p/articles?limit=20" > /dev/null 2>&1
  T[$p]=$(( ${T[$p]} + $(cpu "${PID[$p]}") - c0 )); W[$p]=$(( ${W[$p]} + ($(date +%s%N) - t0) / 1000000 ))
done
for name in folder replica; do
  if [ $name = folder ]; then p=$PF; s=$start_f; else p=$PR; s=$start_r; fi
  tail -n +"$s" "$OUT/$name.log" | grep -v '^{' > "$OUT/$name.gc" || true
  echo "$name: cpu ticks ${T[$p]}, wall ms ${W[$p]}, scavenges $(grep -c Scavenge "$OUT/$name.gc" || true), mark-compacts $(grep -c Mark-Compact "$OUT/$name.gc" || true), last: $(grep Scavenge "$OUT/$name.gc" | tail -1 | grep -oE 'Scavenge [^,]*' || true)"
done
