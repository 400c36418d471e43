#!/usr/bin/env bash
# Adds a migration for both providers: scripts/add-migration.sh <Name>
# (Before the first release the project keeps a single "Initial" migration: scripts/add-migration.sh --reset.)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
name=${1:?usage: add-migration.sh <Name> | --reset}
if [ "$name" = "--reset" ]; then
  rm -rf src/Bot.App/Data/Migrations
  name=Initial
fi
for p in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project src/Bot.App --context ${p}BotDbContext -o Data/Migrations/$p
done
