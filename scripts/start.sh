#!/usr/bin/env bash
# `npm start`: installs what is missing, brings up the local stack (two real Kafka clusters, east and west,
# from Maven Central jars; the machine's Postgres and Redis), migrates, seeds the demo team, builds and
# starts the web app (http://localhost:3000) and a worker. Ctrl-C stops web and worker; the Kafka clusters
# keep running until `npm run stop`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh
source scripts/ensure-node.sh
export PATH="$root/node_modules/.bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ferry}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# A development key so the demo works out of the box; production must set its own (docs/operations.md).
mkdir -p .ferry
if [ -z "${FERRY_SECRET_KEY:-}" ]; then
  [ -f .ferry/dev-secret-key ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" > .ferry/dev-secret-key
  export FERRY_SECRET_KEY="$(cat .ferry/dev-secret-key)" FERRY_SECRET_KEY_ID="${FERRY_SECRET_KEY_ID:-dev}"
fi

echo "== Kafka: east and west"
ferry stack up --clusters east,west
echo "== Postgres: migrate"
ferry db migrate
if [ -f scripts/seed-demo.ts ]; then
  echo "== demo team and flow"
  node scripts/seed-demo.ts
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo "stopping web and worker (Kafka keeps running: npm run stop stops it)"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait || true
}
trap stop INT TERM EXIT

echo "== worker"
(cd apps/worker && FERRY_WORKER_PORT="${FERRY_WORKER_PORT:-9464}" exec node src/main.ts) &
pids+=($!)
if [ -f apps/web/package.json ] && grep -q '"build"' apps/web/package.json; then
  echo "== web: build (cached by turbo) and start"
  turbo run build --filter=@ferry/web --output-logs=errors-only
  (cd apps/web && PORT="${PORT:-3000}" exec npm run start --silent) &
  pids+=($!)
  echo
  echo "Ferry is starting at http://localhost:${PORT:-3000}  (worker metrics: http://127.0.0.1:${FERRY_WORKER_PORT:-9464}/metrics)"
fi
wait -n "${pids[@]}"
