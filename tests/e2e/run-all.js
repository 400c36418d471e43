#!/usr/bin/env node
// Starts the stack once (bot + one Agents Playground per demo user), runs every scenarios/*.js in name order,
// prints "PASS|FAIL <scenario> › <check>" per check and finally "N passed, M failed". Exit 1 on any failure.
// usage: node run-all.js [scenario-name-filter]   (run-all.sh builds the bot first and cleans up on exit)
const fs = require('fs');
const path = require('path');
const { OUT_DIR, RUN_DIR } = require('./lib/util');
const { startStack } = require('./lib/stack');
const { validateCard } = require('./cards/card-lib');

/** Every card the bot posted or PUT to a connector, and every card invoke response, through the official parser. */
function checkSentCards(stack) {
  const failures = []; let count = 0;
  const check = (card, where) => {
    count++;
    const r = validateCard(card, { maxVersion: '1.5', templated: true });
    const size = Buffer.byteLength(JSON.stringify(card));
    const problems = [...r.errors, ...r.warnings.filter((w) => w.startsWith('host:') || w.startsWith('template:'))];
    if (size >= 28 * 1024) problems.push(`${size} bytes`);
    if (problems.length) failures.push(`${where}: ${problems.join('; ')}`);
  };
  for (const u of Object.values(stack.users)) {
    for (const c of u.connector.calls)
      for (const a of (c.reqBody && c.reqBody.attachments) || [])
        if (a.contentType === 'application/vnd.microsoft.card.adaptive') check(a.content, `${c.method} ${c.url}`);
    for (const l of u.client.logs)
      if (l.activityName === 'invoke' && l.response && l.response.body && l.response.body.type === 'application/vnd.microsoft.card.adaptive')
        check(l.response.body.value, `invoke response (${u.user.id})`);
  }
  // Cards the bot posted to Web Chat's offline Direct Line (scenarios/webchat.js sets stack.webchat).
  for (const c of (stack.webchat && stack.webchat.calls) || [])
    for (const a of (c.body && c.body.attachments) || [])
      if (a.contentType === 'application/vnd.microsoft.card.adaptive') check(a.content, `Direct Line ${c.method} ${c.url}`);
  if (count === 0) failures.push('the bot sent no card at all');
  return { failures, count };
}

const filter = process.argv[2];
const CHECK_TIMEOUT_MS = Number(process.env.E2E_CHECK_TIMEOUT_MS || 90000);

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

(async () => {
  const dir = path.join(__dirname, 'scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && (!filter || f.includes(filter))).sort();
  let passed = 0; let failed = 0;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  let stack;
  const t0 = Date.now();
  try {
    stack = await startStack();
    console.log(`stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: bot ${stack.bot.url}, playgrounds ${Object.values(stack.users).map((u) => `${u.user.id}=${u.playground.url}`).join(' ')}`);
  } catch (e) {
    console.log(`FAIL stack › start: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  try {
    for (const file of files) {
      const scenario = path.basename(file, '.js');
      let checks;
      try { checks = require(path.join(dir, file)); } catch (e) { console.log(`FAIL ${scenario} › load: ${e.stack}`); failed++; continue; }
      for (const [name, fn] of Object.entries(checks)) {
        if (typeof fn !== 'function') continue;
        const started = Date.now();
        try {
          await withTimeout(Promise.resolve().then(() => fn(stack)), CHECK_TIMEOUT_MS, name);
          passed++;
          console.log(`PASS ${scenario} › ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (e) {
          failed++;
          console.log(`FAIL ${scenario} › ${name}: ${e && e.message}`);
        }
      }
    }
  } finally {
    for (const u of Object.values(stack.users)) u.client.saveTranscript(path.join(OUT_DIR, `transcript-${u.user.id}.json`));
    const cardCheck = checkSentCards(stack);
    if (cardCheck.failures.length) { failed++; console.log(`FAIL cards › every Adaptive Card the bot sent (${cardCheck.count}) is valid for adaptivecards 3.0.6, v<=1.5, < 28 KB: ${cardCheck.failures.slice(0, 5).join(' | ')}`); }
    else { passed++; console.log(`PASS cards › every Adaptive Card the bot sent (${cardCheck.count}) is valid for adaptivecards 3.0.6, v<=1.5, < 28 KB`); }
    const botLog = await stack.stop();
    fs.writeFileSync(path.join(OUT_DIR, 'bot.log'), botLog);
    // An unhandled exception in the bot during the run is a failure even if every check passed.
    const crashes = botLog.split('\n').filter((l) => /^(fail|crit): /.test(l));
    if (crashes.length) { failed++; console.log(`FAIL bot › log has no fail/crit entries: ${crashes.length} found, first: ${crashes[0]} (see ${path.join(OUT_DIR, 'bot.log')})`); }
    else { passed++; console.log('PASS bot › log has no fail/crit entries'); }
  }
  console.log(`logs: ${RUN_DIR} (removed on the next run), ${OUT_DIR}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log(`FAIL harness › ${e.stack}`); console.log('0 passed, 1 failed'); process.exit(1); });
