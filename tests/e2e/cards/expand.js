#!/usr/bin/env node
// Prints the official expansion of an Adaptive Card template (npm adaptivecards-templating 2.3.1):
//   node expand.js TEMPLATE.json DATA.json
// The C# differential test (tests/Bot.Tests/Cards) compares our TemplateEngine with this output.
// exit: 0 expanded (JSON on stdout), 2 usage/unreadable, 3 the official library threw (message on stderr).
const fs = require('fs');
const { expandTemplate } = require('./card-lib');

const [templateFile, dataFile] = process.argv.slice(2);
if (!templateFile || !dataFile) { console.error('usage: expand.js TEMPLATE.json DATA.json'); process.exit(2); }
let template, data;
try {
  template = JSON.parse(fs.readFileSync(templateFile, 'utf8').replace(/^\uFEFF/, ''));
  data = JSON.parse(fs.readFileSync(dataFile, 'utf8').replace(/^\uFEFF/, ''));
} catch (e) { console.error('ERROR ' + e.message); process.exit(2); }
let out;
try { out = expandTemplate(template, data); } catch (e) { console.error('THROW ' + e.message); process.exit(3); }
process.stdout.write(JSON.stringify(out === undefined ? null : out));
