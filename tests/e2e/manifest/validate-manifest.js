#!/usr/bin/env node
// Adapted from shared/tools/real-clients (the project's shared material)/manifest/validate-manifest.js.
// Offline Teams app manifest validation with npm @microsoft/app-manifest (bundles the official JSON schemas
// v1.0 .. v1.30 + devPreview under build/json-schemas/teams/). The schema is picked from "manifestVersion" and
// passed explicitly, so no network is ever touched (the package would otherwise fetch $schema URLs it doesn't know).
// Also: runtime type check (TeamsManifestConverter.jsonToManifest), and app-package lint for bots/icons.
//
// usage: node validate-manifest.js path/to/manifest.json [--schema-version 1.17] [--json]
//   (a folder or an appPackage .zip is not unpacked; point it at manifest.json next to color.png/outline.png)
// exit: 0 valid (warnings printed), 1 invalid, 2 usage/unreadable.
const fs = require('fs');
const path = require('path');
const { AppManifestUtils, TeamsManifestConverter } = require('@microsoft/app-manifest');

const argv = process.argv.slice(2);
const file = argv.find(a => !a.startsWith('--') && argv[argv.indexOf(a) - 1] !== '--schema-version');
const opt = (n) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : undefined; };
if (!file) { console.error('usage: validate-manifest.js manifest.json [--schema-version X.Y]'); process.exit(2); }
let text; try { text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''); } catch (e) { console.error('ERROR ' + e.message); process.exit(2); }
let manifest; try { manifest = JSON.parse(text); } catch (e) { console.error(`ERROR ${file}: invalid JSON: ${e.message}`); process.exit(2); }

const errors = [], warnings = [];
const schemaRoot = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
const available = fs.readdirSync(schemaRoot).map(d => d.replace(/^v/, '')).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
const ver = opt('schema-version') || manifest.manifestVersion;
if (!ver) { console.error('ERROR manifest has no "manifestVersion" (and no --schema-version given)'); process.exit(1); }
const schemaFile = path.join(schemaRoot, ver === 'devPreview' ? 'vDevPreview' : 'v' + ver, 'MicrosoftTeams.schema.json');
if (!fs.existsSync(schemaFile)) { console.error(`ERROR no bundled schema for manifestVersion "${ver}". Bundled: ${available.join(', ')}`); process.exit(1); }
// same cleanup the package applies to the official schema files (\a and \v escapes are invalid JSON regex escapes)
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'));

if (manifest.$schema && !new RegExp(`/v?${String(ver).replace('.', '\\.')}/MicrosoftTeams\\.schema\\.json$`, 'i').test(manifest.$schema))
  warnings.push(`$schema (${manifest.$schema}) does not match manifestVersion ${ver}`);

(async () => {
  // 1) JSON-schema validation (ajv, draft-04 / 2020-12 as the schema says), schema passed explicitly => offline
  const failures = await AppManifestUtils.validateAgainstSchema(manifest, schema);
  for (const f of failures) errors.push('schema: ' + f);
  // 2) the package's runtime type check (throws on wrong types / unknown manifestVersion)
  try { TeamsManifestConverter.jsonToManifest(text); } catch (e) { errors.push('typecheck: ' + e.message.split('\n')[0]); }
  // 3) bot / package lint
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const [i, b] of (manifest.bots || []).entries()) {
    if (!guid.test(b.botId || '')) warnings.push(`bots[${i}].botId "${b.botId}" is not a GUID (Entra app id expected)`);
    if (!b.scopes || !b.scopes.length) errors.push(`bots[${i}]: no scopes`);
  }
  if (!(manifest.bots || []).length) warnings.push('no bots[] entry');
  // our packaging lint: every ${{PLACEHOLDER}} filled, all three bot scopes, command lists within Teams' limit
  const leftovers = text.match(/\$\{\{[A-Za-z0-9_]+\}\}/g);
  if (leftovers) errors.push(`unfilled placeholders: ${[...new Set(leftovers)].join(', ')}`);
  for (const [i, b] of (manifest.bots || []).entries()) {
    for (const s of ['personal', 'team', 'groupChat']) if (!(b.scopes || []).includes(s)) errors.push(`bots[${i}]: scope "${s}" missing`);
    for (const [j, l] of (b.commandLists || []).entries()) if ((l.commands || []).length > 12) errors.push(`bots[${i}].commandLists[${j}]: more than 12 commands`);
  }
  const dir = path.dirname(path.resolve(file));
  const pngSize = (p) => { const b = fs.readFileSync(p); if (b.toString('latin1', 1, 4) !== 'PNG') return null; return [b.readUInt32BE(16), b.readUInt32BE(20)]; };
  for (const [k, want] of [['color', [192, 192]], ['outline', [32, 32]]]) {
    const rel = manifest.icons && manifest.icons[k]; if (!rel) continue;
    const p = path.join(dir, rel);
    if (!fs.existsSync(p)) { warnings.push(`icons.${k}: file ${rel} not found next to the manifest`); continue; }
    const sz = pngSize(p);
    if (!sz) errors.push(`icons.${k}: ${rel} is not a PNG`);
    else if (sz[0] !== want[0] || sz[1] !== want[1]) errors.push(`icons.${k}: ${rel} is ${sz[0]}x${sz[1]}, must be ${want[0]}x${want[1]}`);
  }
  if (argv.includes('--json')) console.log(JSON.stringify({ file, manifestVersion: ver, schemaFile, errors, warnings }, null, 1));
  else {
    for (const e of errors) console.log('ERROR   ' + e);
    for (const w of warnings) console.log('WARNING ' + w);
    console.log(`${file}: manifestVersion ${ver} (schema ${path.relative(process.cwd(), schemaFile)}): ${errors.length} error(s), ${warnings.length} warning(s)` + (errors.length ? '  => INVALID' : '  => OK'));
  }
  process.exit(errors.length ? 1 : 0);
})().catch(e => { console.error('ERROR', e.message); process.exit(1); });
