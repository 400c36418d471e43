// The whole end-to-end stack: the real bot, and per demo user a capture proxy + an Agents Playground + a driver.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { RUN_DIR, PID_DIR } = require('./util');
const { startBot, postActivity } = require('./bot');
const { startCaptureProxy } = require('./capture');
const { startPlayground, PlaygroundClient } = require('./playground');
const { USERS, USER_KEYS, TENANT_ID } = require('./users');

const BOT_PORT = Number(process.env.E2E_BOT_PORT || 3978);
const PG_PORT = Number(process.env.E2E_PG_PORT || 56150);
const PROXY_PORT = Number(process.env.E2E_PROXY_PORT || 56160);

/**
 * Starts bot, proxies and playgrounds concurrently (ports: bot 3978, playground 56150+i, proxy 56160+i).
 * Returns a stack object; always call stack.stop() (run-all does).
 */
async function startStack({ users = USER_KEYS, botEnv = {} } = {}) {
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(PID_DIR, { recursive: true });
  // A fresh admin REST key per run (/api/admin is off without any key).
  const stack = { bot: null, users: {}, stopped: false, adminKey: crypto.randomBytes(24).toString('hex') };
  stack.stop = async () => {
    if (stack.stopped) return stack.bot ? stack.bot.log() : '';
    stack.stopped = true;
    // The bot first: its graceful shutdown finishes in-flight turns, which still need the connectors.
    const log = stack.bot ? await stack.bot.stop() : '';
    for (const u of Object.values(stack.users)) {
      u.client?.close();
      await u.playground?.stop();
      await u.connector?.close();
    }
    return log;
  };
  try {
    // Bot and playgrounds start concurrently (the Playground contacts the bot only when a client connects).
    const botStarting = startBot({ port: BOT_PORT, env: { 'Bot__Admins__0': USERS.admin.aadObjectId, 'AdminApi__Keys__e2e': stack.adminKey, ...botEnv } })
      .then((bot) => { stack.bot = bot; return bot; });
    const playgroundsStarting = users.map(async (key) => {
      const i = USER_KEYS.indexOf(key);
      const user = USERS[key];
      const pgPort = PG_PORT + i;
      const connector = await startCaptureProxy(PROXY_PORT + i, `http://127.0.0.1:${pgPort}`, path.join(RUN_DIR, `connector-${user.id}.jsonl`));
      stack.users[key] = { user, connector };
      stack.users[key].playground = await startPlayground({ user, port: pgPort, botEndpoint: `http://127.0.0.1:${BOT_PORT}/api/messages`, serviceUrl: connector.url + '/_connector' });
    });
    const results = await Promise.allSettled([botStarting, ...playgroundsStarting]);
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    for (const key of users) {
      const u = stack.users[key];
      u.client = await PlaygroundClient.connect(u.playground);
      u.client.connector = u.connector;
    }
  } catch (e) {
    await stack.stop();
    throw e;
  }
  /** The driver of one demo user's Playground: 'admin' | 'leader1' | 'leader2' | 'member'. */
  stack.user = (key) => {
    const u = stack.users[key];
    if (!u) throw new Error(`no playground for user "${key}" (have: ${Object.keys(stack.users).join(', ')})`);
    return u.client;
  };
  stack.post = (activity) => postActivity(stack.bot, activity);
  stack.tenantId = TENANT_ID;
  return stack;
}

module.exports = { startStack, BOT_PORT, PG_PORT, PROXY_PORT };
