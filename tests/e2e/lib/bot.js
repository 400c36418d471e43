// The real C# bot (src/Bot.App) as the README runs it: Development environment, anonymous loopback mode
// (no MicrosoftAppId), but with its OWN temporary data directory so every run starts from an empty database.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO_ROOT, RUN_DIR, assertPortFree, waitUntil, recordPid, killGroup, tail } = require('./util');

const APP_DIR = path.join(REPO_ROOT, 'src', 'Bot.App');

// The bot's wall clock in the e2e stack. Reminders keep quiet hours (no pushes 21:00–08:00 Asia/Shanghai, weekends,
// 法定节假日), so a journey that waits for a reminder would pass or fail depending on when it runs. The bot therefore
// runs under libfaketime (Debian `faketime`), starting at a fixed workday morning and ticking in real time from there;
// monotonic clocks stay real. E2E_BOT_CLOCK=real runs on the host clock; any other value is the start instant
// (ISO-8601 with offset). 2026-10-13 is a Tuesday after the National Day holiday; the shipped holiday file covers
// the 60 days after it.
const DEFAULT_CLOCK = '2026-10-13T10:00:00+08:00';
const FAKETIME_LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];

const botClock = () => process.env.E2E_BOT_CLOCK || DEFAULT_CLOCK;

/** Environment that starts the process clock at `clock` (or {} for the real clock). */
function clockEnv(clock = botClock()) {
  if (clock === 'real') return {};
  const start = new Date(clock);
  if (Number.isNaN(start.getTime())) throw new Error(`E2E_BOT_CLOCK="${clock}" is not an ISO-8601 instant`);
  const lib = FAKETIME_LIBS.find((f) => fs.existsSync(f));
  if (!lib) throw new Error('libfaketime not found — install the Debian package "faketime" (tests/run.sh does), or set E2E_BOT_CLOCK=real');
  // "@<UTC time>" with TZ=UTC: start there and keep ticking.
  const utc = start.toISOString().slice(0, 19).replace('T', ' ');
  return { LD_PRELOAD: lib, FAKETIME: `@${utc}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', TZ: 'UTC' };
}

/** The dll built by `dotnet build src/Bot.App -c <configuration>` (run-all.sh builds it once). */
function botDll(configuration = process.env.E2E_CONFIGURATION || 'Debug') {
  const dll = path.join(APP_DIR, 'bin', configuration, 'net10.0', 'Bot.App.dll');
  if (!fs.existsSync(dll)) throw new Error(`${dll} not found — run: dotnet build src/Bot.App -c ${configuration}`);
  return dll;
}

/**
 * Starts the bot on 127.0.0.1:port and waits for /healthz. The demo directory (src/Bot.App/Org/demo-directory.csv,
 * which maps the Playground users to 李敏/王强/赵丽/陈晨) is always loaded; the clock is clockEnv()'s.
 * env: extra environment (configuration keys with __, e.g. { 'Bot__Admins__0': '…' }).
 * Returns { url, endpoint, port, dataDir, logFile, log(), stop(), now() }.
 */
async function startBot({ port = Number(process.env.E2E_BOT_PORT || 3978), env = {}, keepData = false } = {}) {
  await assertPortFree(port, 'bot');
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-e2e-data-'));
  const logFile = path.join(RUN_DIR, 'bot.log');
  const fd = fs.openSync(logFile, 'w');
  const childEnv = { ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', DOTNET_ENVIRONMENT: 'Development',
    Data__Directory: dataDir, Logging__Console__FormatterName: 'simple', Demo__Enabled: 'true', ...clockEnv(), ...env };
  // Anonymous loopback mode needs no app id; a developer's exported credentials must not leak in.
  for (const k of ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType', 'ConnectionStrings__Default'])
    if (!(k in env)) delete childEnv[k];
  const clock = botClock();
  const spawnedAt = Date.now();
  /** The bot's current time (its faked clock, approximately: libfaketime starts counting at process start). */
  const now = () => (clock === 'real' ? new Date() : new Date(new Date(clock).getTime() + (Date.now() - spawnedAt)));
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
  return { url, endpoint: url + '/api/messages', port, dataDir, logFile, log, stop, pid: child.pid, now };
}

/** POSTs an activity straight to the bot (anonymous loopback mode) — for activities no client can produce. */
async function postActivity(bot, activity) {
  const r = await fetch(bot.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await r.text();
  let body = null; try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: r.status, contentType: r.headers.get('content-type'), body };
}

/** YYYY-MM-DD of `date` in Asia/Shanghai (the organization's calendar day). */
function orgDate(date) {
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

module.exports = { startBot, postActivity, botDll, clockEnv, orgDate, DEFAULT_CLOCK };
