// Talks journey through Microsoft's own Agents Playground (issue 3, "Tests"): with the demo directory, the admin
// 李敏 launches a small campaign through the chat card form ("发起约谈") → the leader 王强 receives the reminder card
// → opens the report form in place, submits → the receipt replaces the card (PUT seen) → the admin's "进度" shows
// 1/1; the member 陈晨 can neither launch campaigns nor read the reports (chat, tampered card action, REST).
// The bot runs on a fixed workday-morning clock (lib/bot.js), so the launch reminder is not held back by quiet hours.
const assert = require('assert/strict');
const { cardOf, textOf } = require('../lib/playground');
const { BOT } = require('../lib/users');
const { orgDate } = require('../lib/bot');
const { sleep } = require('../lib/util');

const TITLE = '第四季度廉政谈话（端到端）';
const LEADER_EMAIL = 'wangqiang@demo.gov.cn';
const state = {};

/** An Action.Execute invoke from `client`'s personal chat that no card of theirs carries, posted straight to the bot. */
function forgeExecute(stack, client, verb, data) {
  return stack.post({
    type: 'invoke', name: 'adaptiveCard/action', id: `forged-${Date.now()}-${Math.random()}`, channelId: 'msteams',
    serviceUrl: client.connector.url + '/_connector', timestamp: new Date().toISOString(),
    from: { id: client.me, name: client.user.name, aadObjectId: client.user.aadObjectId },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: { id: client.conversationId, conversationType: 'personal', tenantId: stack.tenantId },
    channelData: { tenant: { id: stack.tenantId } },
    value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } },
  });
}

/** Values of every choice of the Input.ChoiceSet `id` on `card`, joined as a multi-select value. */
function allChoices(card, id) {
  let found = null;
  const visit = (n) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    if (n.type === 'Input.ChoiceSet' && n.id === id) found = n;
    Object.values(n).forEach(visit);
  };
  visit(card);
  assert.ok(found, `the card has an Input.ChoiceSet "${id}"`);
  return found.choices.map((c) => c.value).join(',');
}

module.exports = {
  'admin 李敏 and leader 王强 open the bot (linked to the demo directory by aadObjectId)': async (stack) => {
    // (Another scenario may have opened them already: installing again is what every page load does.)
    for (const key of ['admin', 'leader1', 'member']) await stack.user(key).installAndSettle();
    const who = await stack.user('leader1').ask('我的任务', { match: /没有约谈任务|没有待填报/ });
    assert.doesNotMatch(textOf(who), /尚未关联/, '王强 is linked to the directory');
  },

  'member 陈晨 sending "发起约谈" is refused (no form; a forged 发起 action is refused too)': async (stack) => {
    const member = stack.user('member');
    const after = member.mark();
    const answer = await member.ask('发起约谈', { match: /只有管理员可以发起约谈任务/ });
    assert.equal(cardOf(answer), null, 'the refusal must not carry the launch form');
    await sleep(1500);
    assert.ok(!member.botMessages(after).some((m) => /发起约谈任务/.test(textOf(m)) && cardOf(m)), 'a member got the launch form');
    // The form's own action, forged from the member's chat, is refused too.
    const forged = await forgeExecute(stack, member, 'campaign.create', {
      title: '越权任务', kind: '廉政谈话', deadline: '2026-12-31', scope: 'all', topics: '0', cascadeDepth: '0' });
    assert.equal(forged.status, 200);
    assert.match(JSON.stringify(forged.body), /只有管理员可以发起约谈任务/, `forged invoke answer: ${JSON.stringify(forged.body)}`);
  },

  'admin "发起约谈" → form → Action.Execute 发起 (scope: 王强) → the launch card replaces the form (PUT)': async (stack) => {
    const admin = stack.user('admin');
    const form = await admin.ask('发起约谈', { card: true, match: /发起约谈任务/ });
    state.launchMark = stack.user('leader1').mark();
    const { card } = await admin.executeReplacing(form, '发起', {
      title: TITLE, kind: '廉政谈话', scope: 'leaders', scopeItems: LEADER_EMAIL, cascadeDepth: '0',
    }, { match: new RegExp(`已发起：${TITLE}`) });
    assert.match(JSON.stringify(card), /1 项（0 人暂无法送达）/, 'one assignment, and 王强 is reachable (he installed the app)');
    state.campaignId = card.body.flatMap((b) => b.facts || []).find((f) => f.title === '任务编号')?.value;
    assert.equal(state.campaignId, '1', 'the first campaign of this run (the forged launch created nothing)');
  },

  'leader 王强 receives the reminder card (targets from his 分管 units, 已完成 0/1, three buttons)': async (stack) => {
    const leader = stack.user('leader1');
    // Quartz ticks once a minute; the launch reminder goes out on the next tick.
    const reminder = await leader.waitForBotMessage({ after: state.launchMark, card: true, match: /填报完成情况/, timeoutMs: 80000 });
    const text = textOf(reminder);
    assert.match(text, new RegExp(TITLE));
    assert.match(text, /刘洋/, 'head of 干部科 (分管) is a target');
    assert.match(text, /孙伟/, 'head of 组织科 (分管) is a target');
    assert.match(text, /已完成 0\/1/);
    for (const title of ['填报完成情况', '申请延期', '稍后提醒']) leader.findAction(reminder, title, 'Action.Execute');
    // The proxy records a call when the Playground has answered it, which may be just after the message shows up.
    const post = await leader.connector.waitFor((c) => c.method === 'POST' && /约谈提醒/.test(JSON.stringify(c.reqBody)), 'the reminder POST', 10000);
    assert.equal(post.status, 201);
    state.reminder = reminder;
  },

  'leader: Execute 填报完成情况 → the report form replaces the reminder card (PUT)': async (stack) => {
    const leader = stack.user('leader1');
    ({ updated: state.form } = await leader.executeReplacing(state.reminder, '填报完成情况', {}, { match: /填报约谈完成情况/ }));
  },

  'leader submits the form → the receipt replaces it (PUT); an empty summary is refused on the same card first': async (stack) => {
    const leader = stack.user('leader1');
    const card = cardOf(state.form);
    const inputs = {
      talkDate: orgDate(new Date(stack.bot.now().getTime() - 24 * 3600 * 1000)),   // yesterday in the bot's calendar
      form: '集体', targets: allChoices(card, 'targets'), topics: allChoices(card, 'topics'),
      summary: '集体约谈干部科、组织科负责同志，学习纪律处分条例，通报典型案例，算好政治账、经济账、家庭账。', problems: '',
    };
    // Validation first: errors come back in Chinese on the same card, nothing is stored.
    const invalid = await leader.execute(state.form, '提交', { ...inputs, summary: '' });
    assert.equal(invalid.status, 200);
    assert.match(JSON.stringify(invalid.response.value), /请填写谈话内容摘要/);
    // The form is the reminder message itself (replaced in place), so the receipt is a PUT of that same message.
    const { updated: receipt } = await leader.executeReplacing(state.form, '提交', inputs, { match: /已收到约谈完成情况/ });
    assert.match(textOf(receipt), /刘洋/);
    state.assignmentId = leader.findAction(state.reminder, '填报完成情况').act.data.assignmentId;
  },

  'admin "进度" → campaign progress card shows 已完成 1/1 (and a chart image)': async (stack) => {
    const admin = stack.user('admin');
    const after = admin.mark();
    const progress = await admin.ask('进度', { card: true, match: /约谈进度/ });
    const text = textOf(progress);
    assert.match(text, new RegExp(TITLE));
    assert.match(text, /已完成 1\/1/);
    assert.match(text, /王强/);
    const image = await admin.waitForBotMessage({ after, match: (m) => (m.attachments || []).some((a) => a.contentType === 'image/png') });
    assert.ok(image);
  },

  'member 陈晨 cannot read the reports: "进度" shows nothing of the campaign, a tampered 填报 action is refused, REST needs the key': async (stack) => {
    const member = stack.user('member');
    const answer = await member.ask('进度', { match: /没有约谈任务|尚未关联/ });
    assert.doesNotMatch(textOf(answer), new RegExp(TITLE));
    assert.doesNotMatch(textOf(answer), /1\/1/);
    // A forged Action.Execute for 王强's assignment from 陈晨's chat (no client would produce it: posted directly).
    assert.ok(state.assignmentId, 'the assignment id from the reminder card');
    const forged = await forgeExecute(stack, member, 'report.open', { assignmentId: String(state.assignmentId) });
    assert.equal(forged.status, 200);
    const body = JSON.stringify(forged.body);
    assert.match(body, /这不是您的约谈任务/, `forged invoke answer: ${body}`);
    assert.doesNotMatch(body, /集体约谈干部科/, 'the report text leaked');
    const campaignId = state.campaignId;
    const rest = await fetch(`${stack.bot.url}/api/admin/campaigns/${campaignId}/progress`);
    assert.equal(rest.status, 401, 'progress REST without the admin key');
    const csv = await fetch(`${stack.bot.url}/api/admin/campaigns/${campaignId}/reports?format=csv`);
    assert.equal(csv.status, 401, 'reports REST without the admin key');
    // Control: with the admin key the same URL answers, and agrees with the chat.
    const keyed = await fetch(`${stack.bot.url}/api/admin/campaigns/${campaignId}/progress`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    assert.equal(keyed.status, 200);
    const progress = await keyed.json();
    assert.equal(progress.title, TITLE);
    assert.deepEqual([progress.done, progress.total], [1, 1]);
  },
};
