const net = require('net');
const fs = require('fs');
const path = require('path');

const E2E_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
const RUN_DIR = path.join(E2E_DIR, 'run');   // logs, pid files, generated configs (git-ignored)
const OUT_DIR = path.join(E2E_DIR, 'out');   // screenshots, transcripts (git-ignored)
const PID_DIR = path.join(RUN_DIR, 'pids');  // run-all.sh's trap kills every process group listed here

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves when nobody listens on 127.0.0.1:port; rejects with a clear message otherwise. */
function assertPortFree(port, what) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (e) => reject(new Error(e.code === 'EADDRINUSE'
      ? `port ${port} (${what}) is already in use — stop whatever listens there (ss -ltnp 'sport = :${port}') or pick other ports (E2E_BOT_PORT / E2E_PG_PORT / E2E_PROXY_PORT)`
      : `cannot bind 127.0.0.1:${port} (${what}): ${e.message}`)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}

/** Polls fn() until it returns a truthy value; throws `what` on timeout. */
async function waitUntil(fn, what, timeoutMs = 15000, everyMs = 200) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { if (e.fatal) throw e; last = e; }
    await sleep(everyMs);
  }
  throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}

function recordPid(name, pid) {
  fs.mkdirSync(PID_DIR, { recursive: true });
  fs.writeFileSync(path.join(PID_DIR, name + '.pid'), String(pid));
}

function forgetPid(name) {
  try { fs.unlinkSync(path.join(PID_DIR, name + '.pid')); } catch { /* already gone */ }
}

/** Stops a child started with detached:true by signalling its whole process group. */
async function killGroup(child, name, graceMs = 8000) {
  if (child.exitCode !== null || child.signalCode !== null) { forgetPid(name); return; }
  const exited = new Promise((r) => child.once('exit', r));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
  await exited;
  clearTimeout(t);
  forgetPid(name);
}

const tail = (text, lines = 30) => String(text).split('\n').slice(-lines).join('\n');

module.exports = { E2E_DIR, REPO_ROOT, RUN_DIR, OUT_DIR, PID_DIR, sleep, assertPortFree, waitUntil, recordPid, forgetPid, killGroup, tail };
