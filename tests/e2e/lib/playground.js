// One Microsoft 365 Agents Playground per demo user, and a headless driver of its internal HTTP + WebSocket API
// (the same calls its web UI makes; reverse-engineered in shared/reference/real-clients.md):
//   GET  /_internal/v1/config                                 -> personalChat.id, currentUser.id, bot.id
//   WS   /_ws_conversation/v1/conversations/stream            <- {action:'createMessage'|'updateMessage'|…, message}
//   WS   /_ws/log/stream                                      <- every playground<->bot HTTP exchange
//   POST /_debug/conversation/{conv}/installation  {}         -> installationUpdate + conversationUpdate
//   POST /_conversation/v1/conversations/{conv}/messages      -> user message (optional mentions)
//   POST /_conversation/v1/submit                             -> Action.Submit (message with value)
//   POST /_conversation/v1/invoke                             -> Action.Execute (adaptiveCard/action invoke)
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const WebSocket = require('ws');
const { E2E_DIR, RUN_DIR, assertPortFree, waitUntil, recordPid, killGroup, tail } = require('./util');
const { TENANT_ID, BOT, GROUP_CHAT, USERS, FILLER_USERS } = require('./users');

const CLI = path.join(E2E_DIR, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const CARD = 'application/vnd.microsoft.card.adaptive';

const yamlUser = (u, indent) => [
  `id: ${u.id}`, `name: ${u.name}`, `userPrincipleName: ${u.email}`, `aadObjectId: ${u.aadObjectId}`,
  `givenName: ${u.givenName}`, `surname: ${u.surname}`, `email: ${u.email}`,
].map((l, i) => (i === 0 && indent.endsWith('- ') ? indent : indent.replace('- ', '  ')) + l).join('\n');

/** Writes the Playground config for one user from playground/config.template.yml; returns its path. */
function writeConfig(user) {
  const others = [...Object.values(USERS).filter((u) => u.id !== user.id), ...FILLER_USERS];
  const text = fs.readFileSync(path.join(E2E_DIR, 'playground', 'config.template.yml'), 'utf8')
    .replace('__TENANT_ID__', TENANT_ID).replace('__BOT_ID__', BOT.id).replace('__BOT_NAME__', BOT.name)
    .replace('__CURRENT_USER__', yamlUser(user, '  '))
    .replace('__OTHER_USERS__', others.map((u) => yamlUser(u, '  - ')).join('\n'))
    .replace('__PERSONAL_CHAT_ID__', personalChatId(user))
    .replace('__GROUP_CHAT_ID__', GROUP_CHAT.id).replace('__GROUP_CHAT_NAME__', GROUP_CHAT.name);
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const file = path.join(RUN_DIR, `playground-${user.id}.yml`);
  fs.writeFileSync(file, text);
  return file;
}

const personalChatId = (user) => `personal-${user.id}`;
const readIf = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };

/**
 * Starts the Playground for `user` on 127.0.0.1:port against botEndpoint. serviceUrl is what the bot will call
 * (a capture proxy in front of this playground's /_connector). Fails when the Playground listens on any other
 * port than the one requested (it silently moves to a random port when the port is busy).
 */
async function startPlayground({ user, port, botEndpoint, serviceUrl }) {
  await assertPortFree(port, `playground ${user.id}`);
  const name = `playground-${user.id}`;
  const logFile = path.join(RUN_DIR, `${name}.log`);
  const internalLog = path.join(RUN_DIR, `${name}-internal.log`);
  const out = fs.openSync(logFile, 'w');
  const args = [CLI, '-e', botEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'];
  if (serviceUrl) args.push('--service-url', serviceUrl);
  const child = spawn(process.execPath, args, {
    cwd: RUN_DIR, detached: true, stdio: ['ignore', 'pipe', out],
    env: { ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',                                           // never open a desktop browser
      NODE_OPTIONS: `--require ${path.join(__dirname, 'loopback-only.js')}`,    // it has no --host flag
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: writeConfig(user),
      M365_AGENTS_PLAYGROUND_LOGFILE: internalLog },
  });
  recordPid(name, child.pid);
  let stdout = '';
  child.stdout.on('data', (d) => { stdout += d; fs.appendFileSync(logFile, d); });
  const stop = () => killGroup(child, name);
  try {
    const listening = await waitUntil(() => {
      if (child.exitCode !== null) throw new Error(`playground exited with ${child.exitCode}`);
      const m = /Listening on (\d+)/.exec(stdout);
      return m && Number(m[1]);
    }, `"Listening on N" from the playground of ${user.id}`, 60000, 100);
    if (listening !== port)
      throw new Error(`playground of ${user.id} listens on ${listening}, not on the requested ${port} (the port was taken after the check)`);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => {
      const failed = /error (Failed to start[^\n]*\n.*)/.exec(readIf(internalLog));
      if (failed) throw Object.assign(new Error('the playground did not start: ' + failed[1]), { fatal: true });
      return (await fetch(url + '/_debug/ping')).ok;
    }, `${url}/_debug/ping`, 15000);
    return { user, port, url, logFile, stop, pid: child.pid };
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n--- ${name} log (tail) ---\n${tail(readIf(logFile))}\n--- internal log (tail) ---\n${tail(readIf(internalLog), 10)}`);
  }
}

// ---------- Adaptive Card helpers ----------
function walk(node, fn) {
  if (Array.isArray(node)) node.forEach((n) => walk(n, fn));
  else if (node && typeof node === 'object') { fn(node); for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v, fn); }
}
/** Every action of a card (actions, ActionSet, selectAction, ShowCard) — fallbacks excluded. */
function actionsOf(card) {
  const found = [];
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) found.push(node);
    for (const [k, v] of Object.entries(node)) if (k !== 'fallback' && v && typeof v === 'object') visit(v);
  };
  visit(card);
  return found;
}
/** Default values of the card's inputs, the way the renderer merges them into the action data. */
function inputDefaults(card) {
  const o = {};
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && n.id) {
      if (n.value !== undefined) o[n.id] = String(n.value);
      else if (n.type === 'Input.Toggle') o[n.id] = n.valueOff ?? 'false';
    }
  });
  return o;
}
const cardOf = (msg) => (msg.attachments || []).find((a) => a.contentType === CARD)?.content ?? null;
/** All text a message shows (text + every string inside its cards) — for regex assertions. */
function textOf(msg) {
  const parts = [msg.text || ''];
  walk(msg.attachments || [], (n) => { for (const [k, v] of Object.entries(n)) if (typeof v === 'string' && ['text', 'title', 'value'].includes(k)) parts.push(v); });
  return parts.join('\n');
}

/**
 * Headless driver for one running Playground. Create with `await PlaygroundClient.connect(pg)`.
 * Events older than the client are ignored (the server replays its buffer to each new WebSocket client).
 */
class PlaygroundClient {
  static async connect(pg) {
    const c = new PlaygroundClient(pg);
    await c._open();
    return c;
  }

  constructor(pg) {
    this.pg = pg; this.url = pg.url; this.user = pg.user;
    this.events = []; this.logs = []; this.waiters = []; this.t0 = Date.now();
  }

  async _open() {
    const { config } = await (await fetch(this.url + '/_internal/v1/config')).json();
    this.config = config;
    this.conversationId = config.personalChat.id;
    this.groupChatId = config.groupChats?.[0]?.id;
    this.me = config.currentUser.id;
    this.botId = config.bot.id;
    this.botName = config.bot.name;
    this.wsConv = await this._ws('/_ws_conversation/v1/conversations/stream', (m) => {
      if (m.message && m.message.timestamp < this.t0) return;
      if (m.message && m.actionConversationId) m.message.conversationId = m.actionConversationId;
      this._push({ kind: 'conversation', at: Date.now(), ...m });
    });
    this.wsLog = await this._ws('/_ws/log/stream', (m) => {
      if (m.log && m.log.timestamp >= this.t0) { this.logs.push(m.log); this._push({ kind: 'log', at: Date.now(), log: m.log }); }
    });
  }

  _ws(p, onMessage) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url.replace(/^http/, 'ws') + p);
      ws.on('open', () => resolve(ws)); ws.on('error', reject);
      ws.on('message', (m) => { try { onMessage(JSON.parse(String(m))); } catch { /* not JSON */ } });
    });
  }

  _push(e) {
    this.events.push(e);
    for (const w of [...this.waiters]) if (w.pred(e)) { this.waiters.splice(this.waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(e); }
  }

  /** A position in the event stream; pass it as `after` to wait only for what happens later. */
  mark() { return this.events.length; }

  waitForEvent(pred, what, { after = 0, timeoutMs = 15000 } = {}) {
    return new Promise((resolve, reject) => {
      const hit = this.events.slice(after).find(pred);
      if (hit) return resolve(hit);
      const w = { pred: (e) => this.events.indexOf(e) >= after && pred(e), resolve };
      w.timer = setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); reject(new Error(`timeout after ${timeoutMs} ms waiting for ${what} (${this.user.id}); bot said: ${this.describeBotMessages(after)}`)); }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Bot messages (createMessage events) since `after`, optionally only in one conversation. */
  botMessages(after = 0) {
    return this.events.slice(after).filter((e) => e.kind === 'conversation' && e.action === 'createMessage' && e.message?.from?.id === this.botId).map((e) => e.message);
  }

  describeBotMessages(after = 0) {
    const msgs = this.botMessages(after);
    return msgs.length ? msgs.map((m) => JSON.stringify(textOf(m).slice(0, 80))).join(' | ') : '(nothing)';
  }

  /** Waits for the next bot message after `after` matching `match` (RegExp on textOf, or a predicate). */
  async waitForBotMessage({ after = 0, match, card = false, timeoutMs, what } = {}) {
    const ok = (m) => (!card || cardOf(m)) && (!match || (match instanceof RegExp ? match.test(textOf(m)) : match(m)));
    const e = await this.waitForEvent((e) => e.kind === 'conversation' && e.action === 'createMessage' && e.message?.from?.id === this.botId && ok(e.message),
      what || `a bot message${card ? ' with a card' : ''}${match ? ` matching ${match}` : ''}`, { after, timeoutMs });
    return e.message;
  }

  /** Waits for an updateMessage of messageId (the Playground's view of the bot's PUT). */
  async waitForUpdate(messageId, { after = 0, match, timeoutMs } = {}) {
    const e = await this.waitForEvent((e) => e.kind === 'conversation' && e.action === 'updateMessage' && e.message?.messageId === messageId
      && (!match || match.test(textOf(e.message))), `an update of message ${messageId}${match ? ` matching ${match}` : ''}`, { after, timeoutMs });
    return e.message;
  }

  async _post(p, body) {
    const r = await fetch(this.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    let json = null; try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    if (!r.ok) throw new Error(`POST ${p} -> ${r.status} ${text}`);
    return json;
  }

  /** Sends installationUpdate(add) + conversationUpdate(membersAdded) for the personal chat, like opening the app. */
  install(conversationId = this.conversationId) {
    return this._post(`/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /** Sends a text message; { conversationId, mention: true } @mentions the bot (needed in group chats). Returns the message id. */
  async send(text, { conversationId = this.conversationId, mention = false } = {}) {
    const body = { type: 'text', text, textFormat: 'plain', from: { id: this.me } };
    if (mention) {
      const at = `<at>${this.botName}</at>`;
      body.text = `${at} ${text}`;
      body.mentions = [{ mentioned: { id: this.botId }, text: at }];
    }
    const r = await this._post(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body);
    return r && r.messageId;
  }

  /** Sends text and waits for the bot's answer (a card when card:true). */
  async ask(text, { match, card = false, mention = false, conversationId, timeoutMs } = {}) {
    const after = this.mark();
    await this.send(text, { mention, conversationId });
    return this.waitForBotMessage({ after, match, card, timeoutMs, what: `the bot's answer to "${text}"` });
  }

  /** install() and wait until the bot answered both installation activities with 200; returns the mark before it. */
  async installAndSettle(conversationId) {
    const after = this.mark();
    await this.install(conversationId);
    for (const name of ['installationUpdate', 'conversationUpdate'])
      await this.waitForEvent((e) => e.kind === 'log' && e.log.activityName === name && e.log.response?.statusCode === 200,
        `the bot's 200 to ${name}`, { after, timeoutMs: 20000 });
    return after;
  }

  findAction(msg, title, type) {
    const card = cardOf(msg);
    if (!card) throw new Error(`message ${msg.messageId} has no Adaptive Card`);
    const all = actionsOf(card);
    const act = all.find((a) => a.title === title && (!type || a.type === type));
    if (!act) throw new Error(`no ${type || 'action'} titled "${title}" on the card; it has: ${all.map((a) => `${a.type}("${a.title}")`).join(', ')}`);
    return { card, act };
  }

  /**
   * Clicks Action.Execute `title` on the card message `msg` with input values `inputs`.
   * Returns { response, status }: the invoke response body the Playground got, and the bot's HTTP status (log stream).
   */
  async execute(msg, title, inputs = {}) {
    const { card, act } = this.findAction(msg, title, 'Action.Execute');
    const after = this.mark();
    const data = { ...(act.data || {}), ...inputDefaults(card), ...inputs };
    const action = { type: 'Action.Execute', title: act.title, verb: act.verb, data };
    const response = await this._post('/_conversation/v1/invoke', { name: 'adaptiveCard/action', value: { action }, from: { id: this.me }, conversation: { id: msg.conversationId || this.conversationId }, replyToId: msg.messageId });
    const log = await this.waitForEvent((e) => e.kind === 'log' && e.log.activityName === 'invoke' && e.log.response, 'the log entry of the invoke', { after, timeoutMs: 5000 }).catch(() => null);
    return { response, status: log ? log.log.response.statusCode : null, log: log && log.log };
  }

  /**
   * Clicks Action.Execute `title` and asserts the card-replacing answer: HTTP 200, an Adaptive Card invoke response
   * whose JSON matches `match`, the bot's PUT of `msg` through the connector (status 200) and the Playground's update
   * of the message. Returns { card, put, updated }: the response card, the captured PUT, the updated message.
   */
  async executeReplacing(msg, title, inputs = {}, { match = /./, timeoutMs = 10000 } = {}) {
    const from = this.connector.calls.length;
    const after = this.mark();
    const { response, status } = await this.execute(msg, title, inputs);
    const fail = (what) => { throw new Error(`Execute "${title}": ${what}; invoke response ${JSON.stringify(response)}`); };
    if (status !== 200) fail(`bot HTTP status ${status}`);
    if (!response || response.type !== CARD) fail('not an Adaptive Card');
    const json = JSON.stringify(response.value);
    if (!match.test(json)) fail(`card does not match ${match}`);
    const put = await this.connector.waitFor((c) => c.method === 'PUT' && c.url.endsWith(`/activities/${msg.messageId}`) && match.test(JSON.stringify(c.reqBody)),
      `PUT of message ${msg.messageId} matching ${match}`, timeoutMs, from);
    if (put.status !== 200) throw new Error(`PUT of message ${msg.messageId}: connector status ${put.status}`);
    const updated = await this.waitForUpdate(msg.messageId, { after, match, timeoutMs });
    return { card: response.value, put, updated };
  }

  /**
   * Clicks Action.Submit `title` ({ fallback: true }: the Action.Submit fallback of Action.Execute `title`). msteams imBack/messageBack data is sent as the user's text, as Teams does;
   * otherwise the data merged with the inputs goes as a message with `value`.
   */
  async submit(msg, title, inputs = {}, { fallback = false } = {}) {
    let { card, act } = fallback ? this.findAction(msg, title, 'Action.Execute') : this.findAction(msg, title, 'Action.Submit');
    if (fallback) {
      // What a client without Action.Execute (Web Chat, old Teams clients) sends: the Action.Submit fallback.
      if (!act.fallback || typeof act.fallback !== 'object' || act.fallback.type !== 'Action.Submit')
        throw new Error(`Action.Execute "${title}" has no object Action.Submit fallback: ${JSON.stringify(act.fallback)}`);
      act = act.fallback;
    }
    const conversationId = msg.conversationId || this.conversationId;
    const teams = act.data && act.data.msteams;
    if (teams && teams.type === 'imBack') return this.send(String(teams.value), { conversationId });
    const value = { ...(act.data || {}), ...inputDefaults(card), ...inputs };
    if (teams) delete value.msteams;
    await this._post('/_conversation/v1/submit', { conversation: { id: conversationId }, replyToId: msg.messageId, value, from: { id: this.me } });
    return value;
  }

  /** playground->bot and bot->playground HTTP exchanges seen on the log stream since `after`. */
  httpLog(after = 0) {
    return this.events.slice(after).filter((e) => e.kind === 'log').map((e) => e.log);
  }

  close() { try { this.wsConv.close(); this.wsLog.close(); } catch { /* closed */ } }

  /** Writes everything this client saw to out/<name>.json (for post-mortems). */
  saveTranscript(file) { fs.writeFileSync(file, JSON.stringify({ user: this.user, events: this.events }, null, 1)); }
}

module.exports = { startPlayground, PlaygroundClient, actionsOf, inputDefaults, cardOf, textOf, writeConfig, personalChatId, CARD };
