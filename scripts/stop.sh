#!/usr/bin/env bash
# `npm run stop`: stops the dev stack's Kafka clusters (web and worker stop with Ctrl-C on npm start).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec bash "$root/scripts/with-node.sh" ferry stack down "$@"
