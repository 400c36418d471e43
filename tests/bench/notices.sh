#!/usr/bin/env bash
# Notice broadcast benchmark (not a unit test): builds the bot in Release, runs tests/bench/notices.mjs and
# writes the "Notices" section of docs/benchmarks.md. BENCH_N (default 10000) and BENCH_KILLS (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Bot.App -c Release -nologo -v q
node tests/bench/notices.mjs
