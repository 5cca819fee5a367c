#!/usr/bin/env bash
# `npm test`: installs what is missing, brings the test stack up (six real Kafka clusters: 4.x and 3.9,
# SASL/SCRAM, TLS; plus the machine's Postgres and Redis), runs every suite, brings the stack down,
# and prints one line: ci: N passed, N failed[, N skipped].
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install.sh --browser || exit 1
source scripts/ensure-node.sh
export PATH="$root/node_modules/.bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NODE_ENV=test
export FERRY_SECRET_KEY="${FERRY_SECRET_KEY:-$(printf 'ferry-test-key-0123456789abcdef!' | base64)}"

started=$(date +%s)
echo "== test stack: up"
node scripts/stack.ts up || { echo "ci: 0 passed, 1 failed"; exit 1; }
cleanup() {
  echo "== test stack: down"
  node scripts/stack.ts down --purge || true
}
trap cleanup EXIT

status=0
suite_errors=0
rm -rf apps/*/.reports packages/*/.reports bench/.reports deploy/.reports e2e/.reports

echo "== lint and format (Biome)"
biome check . --max-diagnostics=20 || { status=1; suite_errors=$((suite_errors + 1)); }

echo "== typecheck"
turbo run typecheck --output-logs=errors-only || { status=1; suite_errors=$((suite_errors + 1)); }

# The e2e suite needs a production build of apps/web (3-4 min of CPU here). It is made now, beside the Vitest
# suites, at the lowest CPU priority: it takes the cores only while the tests wait on brokers and timers, and
# the e2e step reuses it (e2e/serve.ts builds again itself when this build failed).
mkdir -p "$root/.reports"; web_build_log="$root/.reports/web-build.log"
if [ -f e2e/package.json ] && [ "${FERRY_E2E_SKIP_BUILD:-}" != 1 ]; then
  echo "== web build for e2e (background, nice 19)"
  rm -f apps/web/.next/BUILD_ID
  ( cd apps/web && NEXT_TELEMETRY_DISABLED=1 nice -n 19 node "$root/node_modules/next/dist/bin/next" build >"$web_build_log" 2>&1 ) &
  web_build_pid=$!
fi

echo "== unit + integration (Vitest, per workspace)"
turbo run test --concurrency=1 --continue --output-logs=full -- \
  --reporter=default --reporter=json --outputFile.json=.reports/vitest.json || test_status=1

if [ -f e2e/package.json ] && grep -q '"e2e"' e2e/package.json; then
  e2e_env=()
  if [ -n "${web_build_pid:-}" ]; then
    if wait "$web_build_pid"; then
      echo "== web build: done beside the tests"
      e2e_env=(FERRY_E2E_SKIP_BUILD=1)
    else
      echo "== web build beside the tests failed (its log follows); the e2e step builds again"
      tail -40 "$web_build_log" || true
    fi
  fi
  echo "== e2e (Playwright, Debian Chromium)"
  env "${e2e_env[@]}" npm run e2e -w @ferry/e2e --silent || e2e_status=1
fi

echo "== summary ($(( $(date +%s) - started )) s)"
# A failed step whose report shows no failing test (a crash, no test files) is counted as one failure.
if [ "${test_status:-0}" = 1 ] && ! grep -qs '"numFailedTests": *[1-9]' apps/*/.reports/vitest.json packages/*/.reports/vitest.json bench/.reports/vitest.json deploy/.reports/vitest.json; then suite_errors=$((suite_errors + 1)); fi
if [ "${e2e_status:-0}" = 1 ] && ! grep -qs '"unexpected": *[1-9]' e2e/.reports/playwright.json; then suite_errors=$((suite_errors + 1)); fi
[ "${test_status:-0}" = 1 ] || [ "${e2e_status:-0}" = 1 ] && status=1
FERRY_SUITE_ERRORS=$suite_errors node scripts/summarize-tests.ts || status=1
exit $status
