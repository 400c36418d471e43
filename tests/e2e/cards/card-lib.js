// Adapted from shared/tools/real-clients (the project's shared material)/cards/card-lib.js. Adaptive Card helpers: templating (adaptivecards-templating 2.x) + validation (adaptivecards 3.x)
// plus a few schema rules that the adaptivecards JS parser itself does not enforce.
// NOTE: adaptivecards 3.0.6's "main" (lib/*.js) is extension-less ESM and does NOT load in Node;
//       the UMD bundle dist/adaptivecards.js does, without any DOM (parse/validate need no jsdom).
const AC = require('adaptivecards/dist/adaptivecards.js');
const ACData = require('adaptivecards-templating');

const ERROR_EVENTS = new Set(['UnknownElementType', 'UnknownActionType', 'PropertyCantBeNull', 'InvalidPropertyValue',
  'MissingCardType', 'UnsupportedCardVersion', 'DuplicateId', 'ElementTypeNotAllowed', 'ActionTypeNotAllowed',
  'InteractivityNotAllowed', 'CollectionCantBeEmpty', 'UnsupportedProperty']);
// everything else (Hint, Deprecated, RequiredInputsShouldHaveLabel/ErrorMessage, TooManyActions, Other) = warning

// Required properties per the Adaptive Card schema (adaptivecards.io explorer) that the JS parser does not check.
const REQUIRED = {
  TextBlock: ['text'], Image: ['url'], ImageSet: ['images'], FactSet: ['facts'], Media: ['sources'],
  RichTextBlock: ['inlines'], TextRun: ['text'], ActionSet: ['actions'], TableCell: ['items'],
  'Input.Toggle': ['title'], 'Action.ToggleVisibility': ['targetElements'],
};
const REQUIRED_WARN = { Container: ['items'] };
// properties that are legal but not in the JS library's object schema
const EXTRA_OK = new Set(['$schema', '$data', '$when', 'msteams', 'fallback', 'requires', 'targetWidth', 'grid.area', 'type',
  // collections parsed by the library outside its property schema
  'body', 'actions', 'items', 'columns', 'rows', 'cells', 'inlines', 'pages', 'card', 'choices', 'images', 'sources', 'facts']);

const MAX_CARD_BYTES = 28 * 1024; // same budget as CardTemplates.MaxCardBytes in src/Bot.App/Cards

// House rule (DEVELOPERS.md): every Action.Execute has a verb, carries the same verb in data.verb, and has an OBJECT
// fallback of type Action.Submit with the same data (clients without Universal Actions then still send the verb).
function lintExecute(node, path = '$', out = []) {
  if (Array.isArray(node)) { node.forEach((v, i) => lintExecute(v, `${path}[${i}]`, out)); return out; }
  if (!node || typeof node !== 'object') return out;
  if (node.type === 'Action.Execute') {
    const where = `${path} Action.Execute "${node.title}"`;
    if (typeof node.verb !== 'string' || !node.verb) out.push(`${where}: no "verb"`);
    if (!node.data || typeof node.data !== 'object' || Array.isArray(node.data)) out.push(`${where}: "data" must be an object`);
    else if (node.data.verb !== node.verb) out.push(`${where}: data.verb ${JSON.stringify(node.data.verb)} must equal verb ${JSON.stringify(node.verb)}`);
    const fb = node.fallback;
    if (!fb || typeof fb !== 'object' || Array.isArray(fb)) out.push(`${where}: "fallback" must be an object Action.Submit (got ${JSON.stringify(fb)})`);
    else {
      if (fb.type !== 'Action.Submit') out.push(`${where}: fallback type must be Action.Submit, got ${JSON.stringify(fb.type)}`);
      if (!fb.title) out.push(`${where}: fallback has no title`);
      if (JSON.stringify(canonical(fb.data)) !== JSON.stringify(canonical(node.data))) out.push(`${where}: fallback data must equal the action's data`);
    }
  }
  for (const [k, v] of Object.entries(node)) lintExecute(v, `${path}.${k}`, out);
  return out;
}

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map(k => [k, canonical(v[k])]));
  return v;
}

function expandTemplate(card, data) {
  const tpl = new ACData.Template(card);
  return tpl.expand({ $root: data });
}

function schemaNames(obj) {
  const s = obj.getSchema(); const n = new Set();
  for (let i = 0; i < s.getCount(); i++) n.add(s.getItemAt(i).name);
  return n;
}

function findUnresolved(node, path = '$', out = []) {
  if (typeof node === 'string') { if (/\$\{[^}]*\}/.test(node)) out.push(`${path}: unresolved template expression ${JSON.stringify(node)}`); }
  else if (Array.isArray(node)) node.forEach((v, i) => findUnresolved(v, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) findUnresolved(v, `${path}.${k}`, out);
  return out;
}

/**
 * validateCard(json, {maxVersion}) -> {errors:[], warnings:[], version, card}
 * maxVersion: highest card version the host supports (Teams: '1.5'); a higher declared version is a warning.
 * templated: true when json is the result of expanding a template with data (unresolved ${..} become errors).
 */
function validateCard(json, opts = {}) {
  const errors = [], warnings = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { errors: ['card is not a JSON object'], warnings };
  if (json.type === undefined) errors.push('root: missing "type": "AdaptiveCard"');
  if (json.version === undefined) errors.push('root: missing "version" (hosts such as Teams refuse/fallback cards without it)');

  // pass 1: find the declared version; pass 2: parse with targetVersion = declared version so that
  // elements/actions/properties newer than the declared version are reported.
  const probe = new AC.AdaptiveCard(); probe.parse(json, new AC.SerializationContext());
  let target = probe.version && probe.version.isValid ? probe.version : AC.Versions.latest;
  if (target.major > AC.Versions.latest.major || (target.major === AC.Versions.latest.major && target.minor > AC.Versions.latest.minor)) target = AC.Versions.latest;

  const ctx = new AC.SerializationContext(target);
  const lint = [];
  const checkObj = (obj, src, kind) => {
    const type = src && src.type;
    const known = schemaNames(obj);
    for (const k of Object.keys(src || {})) if (!known.has(k) && !EXTRA_OK.has(k)) lint.push(['w', `${type}${src.id ? '#' + src.id : ''}: unknown property "${k}" (ignored by the renderer; typo?)`]);
    for (const p of REQUIRED[type] || []) if (src[p] === undefined || src[p] === null || src[p] === '' || (Array.isArray(src[p]) && !src[p].length && p !== 'items')) lint.push(['e', `${type}${src.id ? '#' + src.id : ''}: required property "${p}" is missing/empty`]);
    for (const p of REQUIRED_WARN[type] || []) if (!src[p]) lint.push(['w', `${type}${src.id ? '#' + src.id : ''}: property "${p}" is required by the schema`]);
    if (type === 'FactSet') (src.facts || []).forEach((f, i) => { if (f.title === undefined || f.value === undefined) lint.push(['e', `FactSet.facts[${i}]: "title" and "value" are required`]); });
    // "" is "no initial value" (the schema has no pattern, and the official renderers skip empty values); a form
    // template renders it for an empty field. Anything else must be a real date/time.
    if (type === 'Input.Date') for (const p of ['value', 'min', 'max']) if (src[p] !== undefined && src[p] !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(src[p]) && !/\$\{/.test(src[p])) lint.push(['e', `Input.Date#${src.id}: "${p}" must be YYYY-MM-DD, got ${JSON.stringify(src[p])}`]);
    if (type === 'Input.Time') for (const p of ['value', 'min', 'max']) if (src[p] !== undefined && src[p] !== '' && !/^\d{2}:\d{2}$/.test(src[p])) lint.push(['e', `Input.Time#${src.id}: "${p}" must be HH:MM, got ${JSON.stringify(src[p])}`]);
    if (type === 'Input.ChoiceSet' && src.value !== undefined && !/\$\{/.test(src.value) && Array.isArray(src.choices)) {
      const vals = new Set(src.choices.map(c => c.value));
      for (const v of String(src.value).split(',')) if (v && !vals.has(v)) lint.push(['w', `Input.ChoiceSet#${src.id}: value "${v}" is not one of the choices`]);
    }
    if (type === 'Action.Execute' && !src.verb) lint.push(['w', 'Action.Execute: no "verb" (bots usually route on it)']);
    if ((type === 'Action.Submit' || type === 'Action.Execute') && src.data !== undefined && (typeof src.data !== 'object' || Array.isArray(src.data)))
      lint.push(['w', `${type} "${src.title}": "data" is not an object, input values cannot be merged into it`]);
    if (kind === 'action' && !src.title && !src.iconUrl) lint.push(['w', `${type}: action without "title"`]);
  };
  ctx.onParseElement = (el, src) => checkObj(el, src, 'element');
  ctx.onParseAction = (act, src) => checkObj(act, src, 'action');
  const card = new AC.AdaptiveCard();
  card.parse(json, ctx);
  checkObj(card, json, 'card');

  const fmt = (e) => `${AC.ValidationEvent[e.event]}: ${e.message}`;
  const classify = (e) => {
    const name = AC.ValidationEvent[e.event];
    let msg = fmt(e);
    const m = /Unknown (element|action) type "([^"]+)"/.exec(e.message);
    if (m) {
      const reg = (m[1] === 'element' ? AC.GlobalRegistry.elements : AC.GlobalRegistry.actions).findByName(m[2]);
      if (reg && reg.schemaVersion) msg = `${name}: "${m[2]}" needs card version >= ${reg.schemaVersion.toString()} (card declares ${json.version})`;
    }
    (ERROR_EVENTS.has(name) ? errors : warnings).push(msg);
  };
  for (let i = 0; i < ctx.eventCount; i++) classify(ctx.getEventAt(i));
  for (const e of card.validateProperties().validationEvents) classify(e);
  for (const [lvl, msg] of lint) (lvl === 'e' ? errors : warnings).push('lint: ' + msg);

  if (opts.maxVersion && json.version && /^\d+\.\d+$/.test(json.version)) {
    const [a, b] = json.version.split('.').map(Number), [c, d] = String(opts.maxVersion).split('.').map(Number);
    if (a > c || (a === c && b > d)) warnings.push(`host: card version ${json.version} > ${opts.maxVersion} (highest version the target host renders)`);
  }
  const size = Buffer.byteLength(JSON.stringify(json));
  if (size >= MAX_CARD_BYTES) (opts.strictHost ? errors : warnings).push(`host: card JSON is ${size} bytes; Teams rejects messages over ~28 KB`);
  if (opts.maxVersion && json.version && /^\d+\.\d+$/.test(json.version) && opts.strictHost) {
    const [a, b] = json.version.split('.').map(Number), [c, d] = String(opts.maxVersion).split('.').map(Number);
    if (a > c || (a === c && b > d)) errors.push(`host: card version ${json.version} > ${opts.maxVersion}`);
  }
  if (opts.strictHost) for (const e of lintExecute(json)) errors.push('lint: ' + e);
  // after expansion with data, a leftover ${...} means the data did not bind: error; without data: warning
  for (const u of findUnresolved(json)) (opts.templated ? errors : warnings).push('template: ' + u);
  return { errors, warnings, version: json.version, card };
}

module.exports = { AC, ACData, expandTemplate, validateCard, lintExecute, MAX_CARD_BYTES };
