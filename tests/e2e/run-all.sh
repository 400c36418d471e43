#!/usr/bin/env bash
# Real-client end-to-end suite: builds the bot, starts it and one Microsoft 365 Agents Playground per demo user
# (all on 127.0.0.1, offline), runs tests/e2e/scenarios/*.js and prints "N passed, M failed" (parsed by tests/run.sh).
# usage: tests/e2e/run-all.sh [scenario-filter]
# env:   E2E_SKIP_BUILD=1  E2E_CONFIGURATION=Debug|Release  E2E_BOT_PORT=3978  E2E_PG_PORT=56150  E2E_PROXY_PORT=56160
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pids="$here/run/pids"

cleanup() {
  # Kill exactly the process groups this run started (recorded by lib/*.js), never anything else.
  if [ -d "$pids" ]; then
    for f in "$pids"/*.pid; do
      [ -e "$f" ] || continue
      pid=$(cat "$f"); kill -TERM -- "-$pid" 2>/dev/null; sleep 0.5; kill -KILL -- "-$pid" 2>/dev/null
      rm -f "$f"
    done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -d "$here/node_modules/@microsoft/m365agentsplayground" ]; then
  echo "FAIL setup › npm packages missing: run (cd tests/e2e && npm ci)"; echo "0 passed, 1 failed"; exit 1
fi
config=${E2E_CONFIGURATION:-Debug}
export E2E_CONFIGURATION=$config
if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  echo "== dotnet build src/Bot.App -c $config" >&2
  mkdir -p "$here/out"
  if ! dotnet build "$root/src/Bot.App" -c "$config" -nologo -v q > "$here/out/build.log" 2>&1; then
    tail -30 "$here/out/build.log" >&2
    echo "FAIL setup › dotnet build src/Bot.App"; echo "0 passed, 1 failed"; exit 1
  fi
fi
cd "$here" && node run-all.js "$@"
