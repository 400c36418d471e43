#!/usr/bin/env bash
# Builds the Teams app package: fills the ${{...}} placeholders of manifest/manifest.json and zips it with the two
# icons at the root of the archive (the layout Teams' "Upload a custom app" and the Teams admin center expect).
#
#   manifest/package.sh BOT_ID [APP_ID] [OUT]
#     BOT_ID  the bot's Microsoft App ID (Entra app registration, = MicrosoftAppId of the bot)
#     APP_ID  the Teams app id (a GUID; defaults to BOT_ID)
#     OUT     the zip to write (default manifest/build/integrity-bot.zip)
#   Optional environment: BOT_DOMAIN (host name of the messaging endpoint, default bot.example.gov.cn),
#   DEVELOPER_NAME, WEBSITE_URL, PRIVACY_URL, TERMS_URL (https URLs shown in the Teams app details).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 BOT_ID [APP_ID] [OUT]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
bot_id=$1; app_id=${2:-$1}; out=${3:-$here/build/integrity-bot.zip}
guid='^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$'
[[ $bot_id =~ $guid ]] || { echo "BOT_ID '$bot_id' is not a GUID (the bot's Microsoft App ID)" >&2; exit 2; }
[[ $app_id =~ $guid ]] || { echo "APP_ID '$app_id' is not a GUID" >&2; exit 2; }
command -v zip >/dev/null || { echo "zip is not installed (apt-get install zip)" >&2; exit 1; }

domain=${BOT_DOMAIN:-bot.example.gov.cn}
json=$(<"$here/manifest.json")
# Replacements are quoted: bash 5.2 would otherwise expand "&" in a URL to the matched placeholder.
json=${json//'${{BOT_ID}}'/"$bot_id"}
json=${json//'${{APP_ID}}'/"$app_id"}
json=${json//'${{BOT_DOMAIN}}'/"$domain"}
json=${json//'${{DEVELOPER_NAME}}'/"${DEVELOPER_NAME:-廉政约谈助手项目组}"}
json=${json//'${{WEBSITE_URL}}'/"${WEBSITE_URL:-https://$domain/}"}
json=${json//'${{PRIVACY_URL}}'/"${PRIVACY_URL:-https://$domain/privacy}"}
json=${json//'${{TERMS_URL}}'/"${TERMS_URL:-https://$domain/terms}"}
if grep -q '\${{' <<<"$json"; then
  echo "unfilled placeholders left in manifest.json: $(grep -o '\${{[A-Z_]*}}' <<<"$json" | sort -u | tr '\n' ' ')" >&2; exit 1
fi

stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
printf '%s\n' "$json" >"$stage/manifest.json"
cp "$here/color.png" "$here/outline.png" "$stage/"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$out"
(cd "$stage" && zip -q -X "$out" manifest.json color.png outline.png)
echo "$out"
