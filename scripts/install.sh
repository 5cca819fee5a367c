#!/usr/bin/env bash
# Installs what a fresh machine lacks: Node 24 (npm package), the npm dependencies, and — with --browser —
# what only the test suite needs from Debian: Chromium for the e2e tests, docker-compose (validates
# docker-compose.yml without a Docker engine) and Go (renders the Helm chart with text/template), see
# deploy/. Kafka jars are fetched by `ferry stack up` (Maven Central, once).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/ensure-node.sh

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm ci (Node $(node --version))" >&2
  # npm 11 can write a lock file that lacks other platforms' optional packages and then refuse `npm ci`
  # with EUSAGE (npm/cli#8320); `npm install` honours the same lock and accepts it.
  if ! npm ci --no-audit --no-fund --loglevel=error 2>/tmp/ferry-npm-ci.log; then
    grep -q EUSAGE /tmp/ferry-npm-ci.log || { cat /tmp/ferry-npm-ci.log >&2; exit 1; }
    echo "install: npm ci refused the lock file (npm/cli#8320); falling back to npm install" >&2
    npm install --no-audit --no-fund --loglevel=error >&2 || { echo "install: npm install failed" >&2; exit 1; }
  fi
  touch node_modules/.package-lock.json
fi

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "install: $tool is missing: install Java 17+ and Maven (apt-get install openjdk-17-jdk-headless maven)" >&2; exit 1; }
done

# A command the tests need: Chromium at /usr/bin/chromium (Playwright's path), Go also where Debian's versioned
# golang-1.NN-go package leaves it (/usr/lib/go-1.NN/bin).
have() {
  case "$1" in
    chromium) [ -x /usr/bin/chromium ] ;;
    go) command -v go >/dev/null || compgen -G '/usr/lib/go-*/bin/go' >/dev/null ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

if [ "${1:-}" = "--browser" ]; then
  missing=()
  while read -r cmd pkg why; do
    if ! have "$cmd"; then
      missing+=("$pkg")
      echo "install: $pkg from Debian ($why)" >&2
    fi
  done <<'TOOLS'
chromium chromium for the Playwright e2e tests
docker-compose docker-compose to validate docker-compose.yml without a Docker engine (deploy/test/compose.test.ts)
go golang-go to render the Helm chart with Go's text/template (deploy/test/helm.test.ts)
TOOLS
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "install: the tests need ${missing[*]}: run 'sudo apt-get install ${missing[*]}'" >&2
      exit 1
    fi
  fi
fi
