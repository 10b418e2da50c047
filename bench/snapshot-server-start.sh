#!/bin/bash
# Seconds from `node dist/server.js --snapshot FILE` to the first /health 200 (curl every 20 ms),
# with the load average and the server's own "started from the snapshot" figure.
#   bench/snapshot-server-start.sh ROOT SNAPSHOT DATA [PORT]     (ROOT holds a built dist/server.js: npm run build)
root=$1; snap=$2; data=$3; port=${4:-3917}
log=$(mktemp)
cd "$root" || exit 1
t0=$(date +%s.%N)
PORT=$port HOST=127.0.0.1 LOG_LEVEL=info LOG_PRETTY=false RATE_LIMIT_MAX=0 node --max-old-space-size=8192 dist/server.js --data "$data" --snapshot "$snap" > "$log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
  kill -0 $pid 2>/dev/null || { echo "server exited:"; tail -5 "$log"; exit 1; }
  sleep 0.02
done
t1=$(date +%s.%N)
echo "$root: /health 200 after $(echo "$t1 - $t0" | bc) s; load $(cut -d' ' -f1-3 /proc/loadavg); $(grep -o '"ms":[0-9]*,"msg":"started[^"]*"' "$log")"
kill -TERM $pid; wait $pid
rm -f "$log"
