#!/usr/bin/env bash
# The project's test command: installs what the tests need (Debian packages, npm packages), then runs
# the .NET tests and the end-to-end checks against Microsoft's own clients. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql)
command -v faketime >/dev/null 2>&1 || need_apt+=(faketime)   # tests/e2e runs the bot on a fixed workday clock
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >&2 || { echo "apt-get install failed" >&2; exit 1; }
fi
if [ -f tests/e2e/package.json ]; then
  echo "== npm ci (tests/e2e)" >&2
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) >&2 || { echo "npm ci failed" >&2; exit 1; }
fi
dotnet tool restore >/dev/null

passed=0; failed=0
echo "== dotnet test" >&2
rm -rf TestResults
dotnet test Bot.sln --logger "trx;LogFileName=results.trx" --results-directory TestResults 2>&1 | tee /tmp/dotnet-test.log | grep -E "^(Passed|Failed)!|error|Failed " >&2
trx=$(ls TestResults/*.trx 2>/dev/null | head -1)
if [ -n "$trx" ]; then
  p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*'); f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
else
  failed=$((failed + 1)); echo "dotnet test produced no results" >&2
fi

if [ -x tests/e2e/run-all.sh ]; then
  echo "== end-to-end (tests/e2e)" >&2
  out=$(tests/e2e/run-all.sh 2>&1 | tee /dev/stderr | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -n "$out" ]; then
    passed=$((passed + $(echo "$out" | cut -d' ' -f1))); failed=$((failed + $(echo "$out" | cut -d' ' -f3)))
  else
    failed=$((failed + 1)); echo "e2e suite printed no summary" >&2
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
