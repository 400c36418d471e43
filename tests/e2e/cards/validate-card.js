#!/usr/bin/env node
// Validates an Adaptive Card with the official parser (npm adaptivecards 3.0.6, UMD bundle) plus the house lint:
// version <= 1.5, < 28 KB, no leftover ${...}, Action.Execute with verb == data.verb and an object Action.Submit
// fallback carrying the same data. Adapted from shared/tools/real-clients (the project's shared material)/cards/validate-card.js.
//   node validate-card.js CARD.json --expanded        (a card already expanded, e.g. by our C# engine)
//   node validate-card.js TEMPLATE.json DATA.json     (expanded with the official templating library first)
//   [--json] machine-readable result
// exit: 0 valid (warnings allowed), 1 errors, 2 usage/unreadable.
const fs = require('fs');
const { expandTemplate, validateCard } = require('./card-lib');

const argv = process.argv.slice(2);
const files = argv.filter(a => !a.startsWith('--'));
if (!files.length) { console.error('usage: validate-card.js CARD.json [DATA.json | --expanded] [--json]'); process.exit(2); }
const read = (f) => JSON.parse(fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));
let card, data;
try { card = read(files[0]); if (files[1]) data = read(files[1]); } catch (e) { console.error('ERROR ' + e.message); process.exit(2); }
let errors = [], warnings = [];
try {
  if (data !== undefined) card = expandTemplate(card, data);
  ({ errors, warnings } = validateCard(card, { maxVersion: '1.5', strictHost: true, templated: data !== undefined || argv.includes('--expanded') }));
} catch (e) { errors.push('exception: ' + e.message); }
if (argv.includes('--json')) console.log(JSON.stringify({ file: files[0], errors, warnings }));
else {
  for (const e of errors) console.log('ERROR   ' + e);
  for (const w of warnings) console.log('WARNING ' + w);
  console.log(`${files[0]}: ${errors.length} error(s), ${warnings.length} warning(s)` + (errors.length ? '  => INVALID' : '  => OK'));
}
process.exit(errors.length ? 1 : 0);
