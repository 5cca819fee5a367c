#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH and the workspace bins reachable: `bash scripts/with-node.sh CMD ...`
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
export PATH="$root/node_modules/.bin:$PATH"
exec "$@"
