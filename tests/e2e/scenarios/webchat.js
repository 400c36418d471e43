// Web Chat journey (issue 2, "a Web Chat (Direct Line) round trip"): Microsoft's Bot Framework Web Chat 4.18.1
// (npm botframework-webchat) in Chromium talks Direct Line 3.0 to the offline emulator (npm offline-directline 1.3.1,
// webchat/server.js, 127.0.0.1 on a free port), which forwards to the real bot — channelId "emulator", no recipient,
// empty reply bodies, polling only. Web Chat cannot do Action.Execute and Direct Line cannot update messages, so the
// bot must send Action.Submit buttons and answer a card action with a NEW card (ChannelCapabilities in Bot.Protocol).
// Journey: 帮助 → help card; a regulation question → answer card citing 第十一条 → related-article button → that
// article's card appears as a new message.
const assert = require('assert/strict');
const { launchBrowser, screenshot } = require('../lib/ui');
const { validateCard } = require('../cards/card-lib');
const { startWebChatServer } = require('../webchat/server');

const CARD = 'application/vnd.microsoft.card.adaptive';
const QUESTION = '谈话结束后几天内要填写廉政谈话记录表';   // 第十一条 of the shipped sample: 五个工作日内
const SAMPLE_TITLE = '《某县委组织部廉政谈话工作办法（示例）》';
const state = {};

const cardsSent = () => state.server.calls.flatMap((c) => ((c.body && c.body.attachments) || [])
  .filter((a) => a.contentType === CARD).map((a) => ({ call: c, card: a.content })));

function actionsOf(node, out = []) {
  if (Array.isArray(node)) node.forEach((n) => actionsOf(n, out));
  else if (node && typeof node === 'object') {
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(node);
    Object.values(node).forEach((v) => actionsOf(v, out));
  }
  return out;
}

/** The longest TextBlock a user sees at first (collapsed cards hide the full text): the article's text. */
function longestVisibleText(card) {
  const blocks = [];
  (function walk(n) {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.type === 'TextBlock' && n.isVisible !== false) blocks.push(n.text);
      Object.values(n).forEach(walk);
    }
  })(card.body);
  // Web Chat shows straight quotes as typographic ones; compare up to the first quote.
  return blocks.sort((a, b) => b.length - a.length)[0].split(/["“”]/)[0];
}

/** Sends text through Web Chat's send box and waits until the bot has posted `cards` more cards to Direct Line. */
async function ask(text, { cards = 1, timeoutMs = 30000 } = {}) {
  const before = cardsSent().length;
  const box = state.page.getByRole('textbox').first();
  await box.fill(text);
  await box.press('Enter');
  const end = Date.now() + timeoutMs;
  while (cardsSent().length < before + cards) {
    if (Date.now() > end) throw new Error(`no card from the bot within ${timeoutMs} ms after "${text}" (bot posts: ${state.server.calls.length})`);
    await state.page.waitForTimeout(200);
  }
  return cardsSent().slice(before);
}

function requirePage() {
  assert.ok(state.page, 'Web Chat is open (the first check failed)');
  return state.page;
}

module.exports = {
  'Web Chat opens over offline Direct Line; the bot accepts the "emulator" channel without a recipient': async (stack) => {
    state.server = await startWebChatServer({ botEndpoint: stack.bot.endpoint });
    stack.webchat = state.server; // run-all's final card check covers what the bot sent here too
    state.browser = await launchBrowser();
    const page = state.page = state.browser.page;
    state.directLine = [];
    page.on('response', (r) => { if (r.url().includes('/directline/')) state.directLine.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`); });
    await page.goto(state.server.url + '/', { waitUntil: 'domcontentloaded' });
    await page.getByRole('textbox').first().waitFor({ timeout: 30000 });
    // Direct Line's conversation create answers with the bot's status to the conversationUpdate it forwarded.
    const end = Date.now() + 20000;
    while (!state.directLine.some((l) => l.startsWith('POST /directline/conversations '))) {
      if (Date.now() > end) throw new Error(`Web Chat created no Direct Line conversation: ${state.directLine.join(', ')}`);
      await page.waitForTimeout(200);
    }
    assert.ok(state.directLine.includes('POST /directline/conversations 200'), `conversation create: ${state.directLine.join(', ')}`);
  },

  '帮助 → the help card is rendered by Web Chat, its buttons are Action.Submit': async () => {
    const page = requirePage();
    const [sent] = await ask('帮助');
    assert.match(JSON.stringify(sent.card), /使用帮助/);
    await page.locator('.ac-adaptiveCard', { hasText: '使用帮助' }).last().waitFor({ timeout: 20000 });
    const types = actionsOf(sent.card).map((a) => a.type);
    assert.ok(!types.includes('Action.Execute'), `no Action.Execute on Direct Line: ${types.join(', ')}`);
    await screenshot(page, 'webchat-help');
  },

  [`"${QUESTION}" → answer card citing ${SAMPLE_TITLE}第十一条 with related-article buttons`]: async () => {
    const page = requirePage();
    let sent;
    // The sample is imported in the background at start-up; the first answer may come before the index is ready.
    for (let attempt = 0; attempt < 5; attempt++) {
      [sent] = await ask(QUESTION);
      if (!/没有找到/.test(sent.card.body[0].text)) break;
      await page.waitForTimeout(2000);
    }
    const heading = sent.card.body[0].text;
    assert.equal(heading, `${SAMPLE_TITLE}第十一条`);
    const related = actionsOf(sent.card).filter((a) => a.data && a.data.verb === 'reg.article');
    assert.ok(related.length >= 1, 'related-article buttons');
    for (const a of related) {
      assert.equal(a.type, 'Action.Submit', `${a.title} is an Action.Submit`);
      assert.equal(a.verb, undefined);
    }
    const rendered = page.locator('.ac-adaptiveCard', { hasText: heading }).last();
    await rendered.waitFor({ timeout: 20000 });
    assert.match(await rendered.innerText(), /五个工作日内/);
    state.related = related;
    state.answer = rendered;
    await screenshot(page, 'webchat-answer');
  },

  'click a related-article button (Action.Submit) → that article\'s card appears as a new message, nothing is PUT': async () => {
    const page = requirePage();
    assert.ok(state.related, 'the answer card was rendered');
    const button = state.related[0];
    const label = button.title.match(/第[一二三四五六七八九十百零〇]+条(之[一二三四五六七八九十]+)?/)?.[0];
    assert.ok(label, `button title names an article: ${button.title}`);
    const before = cardsSent().length;
    const renderedBefore = await page.locator('.ac-adaptiveCard').count();
    await state.answer.getByRole('button', { name: button.title }).click();
    const end = Date.now() + 30000;
    while (cardsSent().length <= before) {
      if (Date.now() > end) throw new Error('the bot sent no card for the clicked button');
      await page.waitForTimeout(200);
    }
    const sent = cardsSent()[before];
    assert.equal(sent.call.method, 'POST');
    assert.equal(sent.card.body[0].text, `${SAMPLE_TITLE}${label}`);
    // A new card below the answer (the answer's own button names the article too, so locate by position).
    const article = page.locator('.ac-adaptiveCard').nth(renderedBefore);
    await article.waitFor({ timeout: 20000 });
    await article.scrollIntoViewIfNeeded();
    const shown = await article.innerText();
    assert.ok(shown.startsWith(`${SAMPLE_TITLE}${label}`), `new card heading: ${shown.slice(0, 40)}`);
    const text = longestVisibleText(sent.card);
    assert.ok(shown.includes(text.slice(0, 20)), `Web Chat shows the article text "${text.slice(0, 20)}…"`);
    // The answer card is still there: on Direct Line the result is a new message, not an update.
    assert.ok(await page.locator('.ac-adaptiveCard', { hasText: `${SAMPLE_TITLE}第十一条` }).count() >= 1);
    await screenshot(page, 'webchat-article');
  },

  'every card the bot sent over Direct Line: POST only, no Action.Execute, valid for adaptivecards 3.0.6, v<=1.5': async () => {
    try {
      assert.ok(state.server, 'the Web Chat server was started');
      const methods = [...new Set(state.server.calls.map((c) => c.method))];
      assert.deepEqual(methods, ['POST'], `bot → Direct Line calls: ${methods.join(', ')}`);
      const sent = cardsSent();
      assert.ok(sent.length >= 3, `cards sent: ${sent.length}`);
      for (const { card } of sent) {
        const r = validateCard(card, { maxVersion: '1.5', templated: true });
        assert.deepEqual(r.errors, [], card.body && card.body[0] && card.body[0].text);
        assert.ok(!actionsOf(card).some((a) => a.type === 'Action.Execute'));
      }
    } finally {
      await state.browser?.close();
      await state.server?.close();
    }
  },
};
