// Notice broadcast benchmark: see tests/bench/notices.sh and docs/benchmarks.md ("Notices").
// A fake Teams connector on loopback enforces the Teams limits (50 req/s per tenant; per conversation 7/1 s,
// 8/2 s, 60/30 s) with 429 Retry-After: 1, plus 1% random 429 (Retry-After: 2) and 0.5% random 503.
// Lost/duplicate counts come from this connector's log, never from the bot.
import http from 'node:http';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N = Number(process.env.BENCH_N ?? 10000);
const KILLS = Number(process.env.BENCH_KILLS ?? 5);
const MAX_IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const TENANT = { count: 50, ms: 1000 };
const CONV = [{ count: 7, ms: 1000 }, { count: 8, ms: 2000 }, { count: 60, ms: 30000 }];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dll = path.join(root, 'src/Bot.App/bin/Release/net10.0/Bot.App.dll');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-bench-'));
const botPort = 39000 + Math.floor(Math.random() * 1000);
const botUrl = `http://127.0.0.1:${botPort}`;
const adminKey = 'bench-key';
const log = (...a) => console.error(new Date().toISOString().slice(11, 19), ...a);

// ---- fake connector -------------------------------------------------------------------------------------------
let phase = 'register';
const tenantStamps = [];
const convStamps = new Map();
const accepted = [];          // { conv, marker }
const stats = { requests: 0, limit429: 0, random429: 0, random503: 0 };
let nextId = 0;
const markers = new Set();

function overLimit(now, conv) {
  while (tenantStamps.length && now - tenantStamps[0] >= TENANT.ms) tenantStamps.shift();
  if (tenantStamps.length >= TENANT.count) return true;
  const stamps = convStamps.get(conv) ?? [];
  for (const r of CONV) if (stamps.filter(s => now - s < r.ms).length >= r.count) return true;
  return false;
}

const connector = http.createServer((req, res) => {
  let body = '';
  req.on('data', c => (body += c));
  req.on('end', () => {
    const m = /^\/v3\/conversations\/([^/]+)\/activities\/?([^/]*)$/.exec(req.url);
    const conv = m ? decodeURIComponent(m[1]) : '?';
    const reply = (status, json, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json ? JSON.stringify(json) : '');
    };
    if (req.method !== 'POST' || phase === 'register') return reply(req.method === 'PUT' ? 200 : 201, { id: `m-${++nextId}` });
    stats.requests++;
    const now = Date.now();
    if (overLimit(now, conv)) { stats.limit429++; return reply(429, { error: { code: 'Throttled' } }, { 'retry-after': '1' }); }
    const roll = Math.random();
    if (roll < 0.01) { stats.random429++; return reply(429, { error: { code: 'Throttled' } }, { 'retry-after': '2' }); }
    if (roll < 0.015) { stats.random503++; return reply(503, { error: { code: 'ServiceUnavailable' } }); }
    tenantStamps.push(now);
    const stamps = convStamps.get(conv) ?? [];
    stamps.push(now);
    convStamps.set(conv, stamps.filter(s => now - s < 30000));
    const marker = [...markers].find(k => body.includes(k));
    if (marker) accepted.push({ conv, marker });
    reply(201, { id: `m-${++nextId}` });
  });
});
await new Promise(r => connector.listen(0, '127.0.0.1', r));
const connectorUrl = `http://127.0.0.1:${connector.address().port}/`;

// ---- bot process ----------------------------------------------------------------------------------------------
let bot;
async function startBot() {
  bot = spawn('dotnet', [dll], {
    cwd: path.dirname(dll),
    stdio: ['ignore', 'ignore', 'ignore'],
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: 'Development',
      Urls: botUrl,
      MicrosoftAppId: '',
      Data__Directory: dataDir,
      AdminApi__Keys__bench: adminKey,
      Notices__MaxInFlight: String(MAX_IN_FLIGHT),
      Notices__PollSeconds: '0.2',
      Logging__LogLevel__Default: 'Warning',
    },
  });
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${botUrl}/api/messages`, { method: 'HEAD' })).ok) return; } catch { }
    await sleep(100);
  }
  throw new Error('bot did not start');
}
const sleep = ms => new Promise(r => setTimeout(r, ms));
const admin = (p, init = {}) => fetch(`${botUrl}${p}`, { ...init, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

async function register() {
  let next = 0;
  async function worker() {
    while (next < N) {
      const i = ++next;
      const activity = {
        type: 'installationUpdate', action: 'add', id: `install-${i}`, channelId: 'msteams', serviceUrl: connectorUrl,
        from: { id: `29:bench${i}`, name: `用户${i}` }, recipient: { id: '28:bot' },
        conversation: { id: `a:bench${i}`, conversationType: 'personal', tenantId: 'tenant-1' },
        channelData: { tenant: { id: 'tenant-1' } },
      };
      for (;;) {
        const r = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        if (r.ok) break;
        await sleep(200); // 503 = turn queue full
      }
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
}

async function status(id) { return (await admin(`/api/admin/notices/${id}`)).json(); }

async function broadcast(title) {
  markers.add(title);
  const r = await admin('/api/admin/notices', { method: 'POST', body: JSON.stringify({ title, body: '各单位须于12月15日前完成党风廉政约谈并在机器人中填报。', audience: { all: true } }) });
  if (r.status !== 202) throw new Error(`create failed ${r.status} ${await r.text()}`);
  return (await r.json()).id;
}

async function waitSent(id, timeoutMs) {
  const start = Date.now();
  for (;;) {
    try { const s = await status(id); if (s.status === 'sent') return s; } catch { }
    if (Date.now() - start > timeoutMs) throw new Error('broadcast did not finish');
    await sleep(250);
  }
}

function count(title) {
  const rows = accepted.filter(a => a.marker === title);
  const distinct = new Set(rows.map(r => r.conv)).size;
  return { posts: rows.length, distinct, lost: N - distinct, duplicates: rows.length - distinct };
}

// ---- run ------------------------------------------------------------------------------------------------------
await startBot();
log(`registering ${N} users through /api/messages install activities`);
const regStart = Date.now();
await register();
// Every install is handled when its turn finished; the welcome card is the visible sign.
while (nextId < N) await sleep(250);
const registerSeconds = (Date.now() - regStart) / 1000;
log(`registered in ${registerSeconds.toFixed(1)} s`);

phase = 'broadcast';
const before = { ...stats };
const cleanTitle = `基准通知-${Date.now()}`;
const t0 = Date.now();
const cleanId = await broadcast(cleanTitle);
const cleanStatus = await waitSent(cleanId, 30 * 60 * 1000);
const wall = (Date.now() - t0) / 1000;
const clean = { ...count(cleanTitle), wall, bound: N / 50, ratio: wall / (N / 50), sendsPerSecond: N / wall,
  requests: stats.requests - before.requests, limit429: stats.limit429 - before.limit429, random429: stats.random429 - before.random429,
  random503: stats.random503 - before.random503, status: cleanStatus };
log('clean run', JSON.stringify(clean));

await sleep(31000); // let the per-conversation 30 s windows of the first run expire
const killTitle = `崩溃通知-${Date.now()}`;
const k0 = Date.now();
const killId = await broadcast(killTitle);
const killPoints = [];
for (let k = 0; k < KILLS; k++) {
  await sleep(2000 + Math.random() * (N / 50 * 1000 / (KILLS + 1)));
  killPoints.push(count(killTitle).posts);
  bot.kill('SIGKILL');
  await new Promise(r => bot.once('exit', r));
  log(`kill -9 #${k + 1} after ${killPoints.at(-1)} notice posts`);
  await startBot();
}
const killStatus = await waitSent(killId, 30 * 60 * 1000);
const killed = { ...count(killTitle), wall: (Date.now() - k0) / 1000, kills: KILLS, killPoints, bound: KILLS * MAX_IN_FLIGHT, status: killStatus };
log('kill run', JSON.stringify(killed));
bot.kill('SIGKILL');
connector.close();

// ---- report ---------------------------------------------------------------------------------------------------
const f = (x, d = 1) => Number(x).toFixed(d);
const section = `## Notices

Generated by \`tests/bench/notices.sh\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${os.cpus().length} cores, shared).
${N} recipients registered through \`/api/messages\` install activities (${f(registerSeconds)} s), then broadcast with
\`{"audience":{"all":true}}\` through a fake Teams connector on loopback that enforces 50 req/s per tenant and
7/1 s, 8/2 s, 60/30 s per conversation (429 Retry-After: 1 when exceeded) and injects 1% random 429 (Retry-After: 2)
and 0.5% random 503. Counts of lost and duplicate notices come from the connector's log. In-flight bound: ${MAX_IN_FLIGHT}.

| run | wall time | bound N/50 | ratio | sends/s | HTTP requests | 429 over limit | random 429 | random 503 | lost | duplicates |
|---|---|---|---|---|---|---|---|---|---|---|
| clean | ${f(clean.wall)} s | ${f(clean.bound)} s | ${f(clean.ratio, 3)}× | ${f(clean.sendsPerSecond)} | ${clean.requests} | ${clean.limit429} | ${clean.random429} | ${clean.random503} | ${clean.lost} | ${clean.duplicates} |
| ${KILLS} × kill -9 + restart | ${f(killed.wall)} s | – | – | – | – | – | – | – | ${killed.lost} | ${killed.duplicates} (bound ${KILLS} × ${MAX_IN_FLIGHT} = ${killed.bound}) |

Kill points (notice posts accepted by the connector when the bot was killed): ${killPoints.join(', ')}.
Bot's own final status after the kill run: sent ${killStatus.sent}, failed ${killStatus.failed}, pending ${killStatus.pending}, inDoubt ${killStatus.inDoubt}.
Goal: ratio ≤ 1.1×, lost = 0, duplicates = 0 (clean) and ≤ the in-flight bound per kill.
`;
const doc = path.join(root, 'docs/benchmarks.md');
let text = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Benchmarks\n';
const re = /## Notices\n[\s\S]*?(?=\n## |$)/;
text = re.test(text) ? text.replace(re, section.trimEnd() + '\n') : text.trimEnd() + '\n\n' + section;
fs.mkdirSync(path.dirname(doc), { recursive: true });
fs.writeFileSync(doc, text);
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(section);
const ok = clean.lost === 0 && clean.duplicates === 0 && killed.lost === 0 && killed.duplicates <= killed.bound;
process.exit(ok ? 0 : 1);
