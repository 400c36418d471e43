// The real C# bot (src/Bot.App) as the README runs it: Development environment, anonymous loopback mode
// (no MicrosoftAppId), but with its OWN temporary data directory so every run starts from an empty database.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO_ROOT, RUN_DIR, assertPortFree, waitUntil, recordPid, killGroup, tail } = require('./util');

const APP_DIR = path.join(REPO_ROOT, 'src', 'Bot.App');

/** The dll built by `dotnet build src/Bot.App -c <configuration>` (run-all.sh builds it once). */
function botDll(configuration = process.env.E2E_CONFIGURATION || 'Debug') {
  const dll = path.join(APP_DIR, 'bin', configuration, 'net10.0', 'Bot.App.dll');
  if (!fs.existsSync(dll)) throw new Error(`${dll} not found — run: dotnet build src/Bot.App -c ${configuration}`);
  return dll;
}

/**
 * Starts the bot on 127.0.0.1:port and waits for /healthz.
 * env: extra environment (configuration keys with __, e.g. { 'Bot__Admins__0': '…' }).
 * Returns { url, endpoint, port, dataDir, logFile, log(), stop() }.
 */
async function startBot({ port = Number(process.env.E2E_BOT_PORT || 3978), env = {}, keepData = false } = {}) {
  await assertPortFree(port, 'bot');
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-e2e-data-'));
  const logFile = path.join(RUN_DIR, 'bot.log');
  const fd = fs.openSync(logFile, 'w');
  const childEnv = { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', DOTNET_ENVIRONMENT: 'Development',
    Data__Directory: dataDir, Logging__Console__FormatterName: 'simple', ...env };
  // Anonymous loopback mode needs no app id; a developer's exported credentials must not leak in.
  for (const k of ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType', 'ConnectionStrings__Default'])
    if (!(k in env)) delete childEnv[k];
  const child = spawn('dotnet', [botDll(), '--urls', `http://127.0.0.1:${port}`],
    { cwd: APP_DIR, env: childEnv, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  recordPid('bot', child.pid);
  const log = () => fs.readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  let exited = null;
  child.once('exit', (code, signal) => { exited = { code, signal }; });
  const stop = async () => {
    await killGroup(child, 'bot');
    if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    return log();
  };
  try {
    await waitUntil(async () => {
      if (exited) throw Object.assign(new Error(`bot exited (${JSON.stringify(exited)})`), { fatal: true });
      const r = await fetch(url + '/healthz');
      return r.status === 200;
    }, 'bot /healthz = 200', 90000, 300);
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- bot log (tail) ---\n${tail(log())}`);
  }
  return { url, endpoint: url + '/api/messages', port, dataDir, logFile, log, stop, pid: child.pid };
}

/** POSTs an activity straight to the bot (anonymous loopback mode) — for activities no client can produce. */
async function postActivity(bot, activity) {
  const r = await fetch(bot.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await r.text();
  let body = null; try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: r.status, contentType: r.headers.get('content-type'), body };
}

module.exports = { startBot, postActivity, botDll };
