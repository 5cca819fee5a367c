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
if [ -z "${BETTER_AUTH_SECRET:-}" ]; then
  [ -f .ferry/dev-auth-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" > .ferry/dev-auth-secret
  export BETTER_AUTH_SECRET="$(cat .ferry/dev-auth-secret)"
fi
export PORT="${PORT:-3000}"
# Loopback only by default: the dashboard holds Kafka credentials. FERRY_WEB_HOST=0.0.0.0 exposes it.
export FERRY_WEB_HOST="${FERRY_WEB_HOST:-127.0.0.1}"
export BETTER_AUTH_URL="${BETTER_AUTH_URL:-http://localhost:$PORT}"

echo "== Kafka: east and west"
ferry stack up --clusters east,west
echo "== Postgres: migrate"
ferry db migrate
seeded=0
if [ "${NODE_ENV:-}" = "production" ] && [ "${FERRY_DEMO_SEED:-}" != "1" ]; then
  echo "== NODE_ENV=production: no demo user or flow (FERRY_DEMO_SEED=1 seeds them anyway)"
else
  echo "== demo team, clusters and flow"
  node apps/web/scripts/seed-demo.ts
  node scripts/seed-demo-flow.ts
  seeded=1
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo "stopping web and worker (Kafka keeps running: npm run stop stops it)"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait || true
}
trap stop INT TERM EXIT

echo "== web: build (cached by turbo)"
NEXT_TELEMETRY_DISABLED=1 turbo run build --filter=@ferry/web --output-logs=errors-only
echo "== worker, demo producer, web"
(cd apps/worker && FERRY_WORKER_PORT="${FERRY_WORKER_PORT:-9464}" exec node src/main.ts) &
pids+=($!)
node scripts/demo-producer.ts &
pids+=($!)
(cd apps/web && NEXT_TELEMETRY_DISABLED=1 exec node ../../node_modules/next/dist/bin/next start -p "$PORT" -H "$FERRY_WEB_HOST") &
pids+=($!)
echo
echo "Ferry is starting at http://localhost:$PORT  (worker metrics: http://127.0.0.1:${FERRY_WORKER_PORT:-9464}/metrics)"
if [ "$seeded" = 1 ]; then
  echo "Sign in as demo@ferry.local / ferry-demo-password; the flow 'demo east->west' replicates demo.orders."
else
  echo "Create the first account at http://localhost:$PORT/sign-in: it administers this installation."
fi
wait -n "${pids[@]}"
