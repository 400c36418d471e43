#!/usr/bin/env bash
# The project's test command: installs what the tests need (Debian packages, npm packages), then runs
# the .NET tests and the end-to-end checks against Microsoft's own clients. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v zip >/dev/null 2>&1 || need_apt+=(zip)
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

# A throwaway PostgreSQL cluster for the Postgres smoke test (BOT_TEST_POSTGRES). Own temp dir, unix socket in
# it, first free port from 55432 on 127.0.0.1; stopped and removed on exit, so reruns and parallel runs are fine.
pg_bin=/usr/lib/postgresql/15/bin
pg_dir=""
stop_postgres() {
  [ -n "$pg_dir" ] || return 0
  $as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT
start_postgres() {
  as_pg=""
  pg_dir=$(mktemp -d /tmp/bot-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then
    as_pg="runuser -u postgres --"   # postgres refuses to run as root
    chown postgres: "$pg_dir"
  fi
  $as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; return 1; }
  local port=55432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  $as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; return 1; }
  export BOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres;Password=unused"
  echo "== PostgreSQL 15 on 127.0.0.1:$port ($pg_dir)" >&2
}
start_postgres || echo "could not start PostgreSQL; the Postgres smoke test will fail" >&2

passed=0; failed=0
echo "== dotnet test" >&2
rm -rf TestResults
log=$(mktemp /tmp/dotnet-test.XXXXXX.log)
dotnet test Bot.sln --logger "trx;LogFileName=results.trx" --results-directory TestResults >"$log" 2>&1
dotnet_rc=$?
grep -E "^(Passed|Failed)!|error|Failed |Error Message" -A3 "$log" >&2
trx=$(ls TestResults/*.trx 2>/dev/null | head -1)
if [ -n "$trx" ]; then
  p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*'); f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  # A crashed or aborted test host can leave a trx without failures: the exit code still counts.
  if [ "$dotnet_rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); echo "dotnet test exited $dotnet_rc (see $log)" >&2; fi
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

printf "\n%s passed, %s failed\n" "$passed" "$failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
