// Foundation journey through Microsoft's own Agents Playground (issue 2, item 9):
// installation → one welcome card; 帮助 → help card; Action.Execute → invoke response + PUT; Action.Submit → handled;
// group chats: answered only when @mentioned; and the same through the Playground's real web UI.
const assert = require('assert/strict');
const { cardOf, actionsOf, textOf, CARD } = require('../lib/playground');
const { BOT } = require('../lib/users');
const { sleep } = require('../lib/util');
const { withPage, openPlayground, typeMessage, screenshot } = require('../lib/ui');

const TOPICS = ['任务', '填报', '进度', '问答', '通知'];
const state = {};   // shared between the checks below, in order

module.exports = {
  'installation → exactly one welcome card (installationUpdate + conversationUpdate, and again on re-open)': async (stack) => {
    const member = stack.user('member');
    const start = member.mark();
    await member.installAndSettle();
    state.welcome = await member.waitForBotMessage({ after: start, card: true, match: /欢迎使用/, timeoutMs: 30000 });
    assert.match(textOf(state.welcome), /我协助落实党风廉政建设主体责任/);
    await sleep(2000);                       // a second (wrong) welcome would arrive within this window
    await member.installAndSettle();          // what the Playground UI does on every page load
    await sleep(2000);
    const welcomes = member.botMessages(start).filter((m) => /欢迎使用/.test(textOf(m)));
    assert.equal(welcomes.length, 1, `welcome cards in the chat: ${welcomes.length}`);
    const posts = member.connector.calls.filter((c) => c.method === 'POST' && /欢迎使用/.test(JSON.stringify(c.reqBody)));
    assert.equal(posts.length, 1, `welcome POSTs to the connector: ${posts.length}`);
    assert.equal(posts[0].status, 201);
  },

  '"帮助" → help card with one Action.Execute (+ object Action.Submit fallback) per topic': async (stack) => {
    const member = stack.user('member');
    const help = await member.ask('帮助', { card: true, match: /使用帮助/ });
    const card = cardOf(help);
    assert.equal(card.version, '1.5');
    const executes = actionsOf(card).filter((a) => a.type === 'Action.Execute');
    assert.deepEqual(executes.map((a) => a.data.topic), TOPICS);
    for (const a of executes) {
      assert.equal(a.verb, 'help.topic');
      assert.equal(a.data.verb, a.verb, 'data.verb must repeat the verb');
      assert.equal(typeof a.fallback, 'object', `fallback of "${a.title}" must be an object`);
      assert.equal(a.fallback.type, 'Action.Submit');
      assert.deepEqual(a.fallback.data, a.data);
    }
    state.help = help;
  },

  'Action.Execute "填报说明" → HTTP 200 adaptive-card invoke response with the topic, card replaced (PUT)': async (stack) => {
    const member = stack.user('member');
    const from = member.connector.calls.length;
    const after = member.mark();
    const { response, status } = await member.execute(state.help, '填报说明');
    assert.equal(status, 200, 'bot HTTP status for the invoke');
    assert.equal(response.type, CARD);
    assert.equal(response.value.type, 'AdaptiveCard');
    assert.match(JSON.stringify(response.value), /填报约谈完成情况/);
    assert.match(JSON.stringify(response.value), /谈话要点/);
    const put = await member.connector.waitFor((c) => c.method === 'PUT' && c.url.endsWith(`/activities/${state.help.messageId}`),
      `PUT of message ${state.help.messageId}`, 10000, from);
    assert.equal(put.status, 200);
    assert.match(JSON.stringify(put.reqBody), /谈话要点/);
    await member.waitForUpdate(state.help.messageId, { after, match: /谈话要点/ });
  },

  'Action.Submit (fallback of "问答说明") → handled: the card is updated in place via PUT': async (stack) => {
    const member = stack.user('member');
    const from = member.connector.calls.length;
    const after = member.mark();
    const value = await member.submit(state.help, '问答说明', {}, { fallback: true });
    assert.equal(value.verb, 'help.topic');
    const updated = await member.waitForUpdate(state.help.messageId, { after, match: /党规党纪问答/ });
    assert.match(textOf(updated), /处分条例第八十八条/);
    const put = await member.connector.waitFor((c) => c.method === 'PUT' && c.url.endsWith(`/activities/${state.help.messageId}`), 'PUT after submit', 10000, from);
    assert.equal(put.status, 200);
    const message = await member.waitForEvent((e) => e.kind === 'log' && e.log.activityName === 'message' && e.log.from !== 'User Application' && e.log.response,
      'the log entry of the submit message', { after });
    assert.equal(message.log.response.statusCode, 200, 'bot HTTP status for the submit message');
    assert.equal(member.botMessages(after).length, 0, 'a card action that replaces the card sends no extra message');
  },

  'Action.Submit "查看帮助" on the welcome card (msteams imBack) → help card': async (stack) => {
    const member = stack.user('member');
    const after = member.mark();
    await member.submit(state.welcome, '查看帮助');
    await member.waitForBotMessage({ after, card: true, match: /使用帮助/ });
  },

  'group chat: answered when @mentioned, ignored without @mention': async (stack) => {
    const leader = stack.user('leader1');
    const group = leader.groupChatId;
    assert.ok(group, 'the playground config defines a group chat');
    // Through the Playground: with @mention the help card comes back into the group chat.
    const mentioned = await leader.ask('帮助', { conversationId: group, mention: true, card: true, match: /使用帮助/ });
    assert.equal(mentioned.conversationId, group);
    // Without @mention: the Playground (like Teams) delivers nothing, and nothing comes back.
    const after = leader.mark();
    await leader.send('帮助', { conversationId: group });
    await sleep(2500);
    assert.equal(leader.botMessages(after).length, 0, 'bot answered an unmentioned group message');
    // The bot's own rule, tested by posting the group activity directly (anonymous loopback mode).
    const activity = (text, entities) => ({
      type: 'message', id: `direct-${Date.now()}-${Math.random()}`, channelId: 'msteams', text, entities,
      serviceUrl: leader.connector.url + '/_connector', timestamp: new Date().toISOString(),
      from: { id: leader.me, name: leader.user.name, aadObjectId: leader.user.aadObjectId },
      recipient: { id: BOT.id, name: BOT.name },
      conversation: { id: group, isGroup: true, conversationType: 'groupChat', tenantId: stack.tenantId },
      channelData: { tenant: { id: stack.tenantId } },
    });
    const from = leader.connector.calls.length;
    const ignored = await stack.post(activity('帮助', []));
    assert.equal(ignored.status, 200);
    await sleep(2500);
    // Look-ups (GET members) are allowed; anything posted or updated is an answer.
    const sent = leader.connector.calls.slice(from).filter((c) => c.method !== 'GET');
    assert.equal(sent.length, 0, `the bot answered an unmentioned group message: ${JSON.stringify(sent.map((c) => c.method + ' ' + c.url))}`);
    const at = `<at>${BOT.name}</at>`;
    const answered = await stack.post(activity(`${at} 帮助`, [{ type: 'mention', text: at, mentioned: { id: BOT.id, name: BOT.name } }]));
    assert.equal(answered.status, 200);
    await leader.connector.waitFor((c) => c.method === 'POST' && c.url.includes(`/conversations/${group}/activities`) && /使用帮助/.test(JSON.stringify(c.reqBody)),
      'the help card posted to the group (control for the negative case)', 15000, from);
  },

  'Playground web UI (Chromium): type 帮助 → help card; click "进度说明" → card replaced': async (stack) => {
    const leader2 = stack.user('leader2');
    const after = leader2.mark();
    await withPage(async (page) => {
      await openPlayground(page, leader2.url);
      await leader2.waitForBotMessage({ after, card: true, match: /欢迎使用/, timeoutMs: 30000 });
      await typeMessage(page, '帮助');
      const button = page.getByRole('button', { name: '进度说明' }).last();
      await button.waitFor({ timeout: 30000 });
      await page.getByText('使用帮助').last().waitFor({ timeout: 5000 });
      await screenshot(page, 'foundation-ui-help');
      const invokeAt = leader2.mark();
      await button.click();
      await page.getByText('管理员发送“进度”查看整个约谈任务的完成情况').last().waitFor({ timeout: 20000 });
      await screenshot(page, 'foundation-ui-topic');
      const invoke = await leader2.waitForEvent((e) => e.kind === 'log' && e.log.activityName === 'invoke' && e.log.response, 'the UI invoke', { after: invokeAt });
      assert.equal(invoke.log.response.statusCode, 200);
      assert.equal(invoke.log.response.body?.type, CARD);
    });
  },
};
