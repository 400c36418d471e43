// Notices journey through Microsoft's own Agents Playground (issue 5, "Tests"): the admin 李敏 composes with "发通知"
// (card form → preview → confirm) for 县委组织部/干部科 → 陈晨 receives the notice card → 已阅 → the card is updated in
// place (PUT seen) → the admin's report shows 已阅 1 / 1; a member sending "发通知" is refused.
const assert = require('assert/strict');
const { cardOf, textOf, CARD } = require('../lib/playground');
const { sleep } = require('../lib/util');

const TITLE = '关于开展党风廉政约谈的通知（端到端）';
const BODY = '各科室须于**本月底前**完成党风廉政约谈，并在机器人中填报完成情况。';
const UNIT = '县委组织部/干部科';   // 刘洋 (not installed) and 陈晨 (installed) in the demo directory
const state = {};

const fact = (card, title) => {
  const json = JSON.stringify(card);
  const m = json.match(new RegExp(`"title":"${title}","value":"([^"]*)"`));
  return m ? m[1] : null;
};

module.exports = {
  'admin 李敏 and member 陈晨 open the bot': async (stack) => {
    for (const key of ['admin', 'member']) await stack.user(key).installAndSettle();
  },

  'member 陈晨 sending "发通知" is refused (no compose form)': async (stack) => {
    const member = stack.user('member');
    const after = member.mark();
    const answer = await member.ask('发通知', { match: /只有管理员可以发送和管理通知/ });
    assert.equal(cardOf(answer), null);
    await sleep(1500);
    assert.ok(!member.botMessages(after).some((m) => cardOf(m) && /发送通知/.test(textOf(m))), 'a member got the compose form');
  },

  'admin "发通知" → compose card → Execute 预览 → confirm card replaces the form (PUT) + a preview of the notice card': async (stack) => {
    const admin = stack.user('admin');
    const compose = await admin.ask('发通知', { card: true, match: /发送通知/ });
    const after = admin.mark();
    const { card, updated } = await admin.executeReplacing(compose, '预览', {
      title: TITLE, body: BODY, links: '', audienceKind: 'units', units: UNIT, roles: '', requireAck: 'true', sendDate: '', sendTime: '',
    }, { match: /确认发送通知/ });
    assert.equal(fact(card, '可送达'), '1 人', 'only 陈晨 of 干部科 installed the app');
    assert.equal(fact(card, '未安装机器人'), '1 人', '刘洋 has not installed the app');
    const preview = await admin.waitForBotMessage({ after, card: true, match: new RegExp(TITLE) });
    assert.match(textOf(preview), /本月底前/);
    state.confirm = updated;
  },

  'admin Execute 确认发送 → report card; 陈晨 receives the notice card with 已阅': async (stack) => {
    const admin = stack.user('admin');
    const member = stack.user('member');
    const memberMark = member.mark();
    const { response, status } = await admin.execute(state.confirm, '确认发送');
    assert.equal(status, 200);
    assert.equal(response.type, CARD, `invoke response: ${JSON.stringify(response)}`);
    assert.match(JSON.stringify(response.value), new RegExp(`通知报告：${TITLE}`));
    const notice = await member.waitForBotMessage({ after: memberMark, card: true, match: new RegExp(TITLE), timeoutMs: 30000 });
    assert.match(textOf(notice), /本月底前/);
    member.findAction(notice, '已阅', 'Action.Execute');
    const post = await member.connector.waitFor((c) => c.method === 'POST' && JSON.stringify(c.reqBody).includes(TITLE), 'the notice POST', 10000);
    assert.equal(post.status, 201);
    state.notice = notice;
  },

  '陈晨 Execute 已阅 → the card is updated in place (PUT, "已阅 ✓", no button); a second click changes nothing': async (stack) => {
    const member = stack.user('member');
    const { card } = await member.executeReplacing(state.notice, '已阅', {}, { match: /已阅 ✓/ });
    assert.doesNotMatch(JSON.stringify(card), /"title":"已阅"/, 'the 已阅 button is gone');
    // Double click (the old card is still on another device): the same acknowledged card, still one acknowledgement.
    const again = await member.execute(state.notice, '已阅');
    assert.equal(again.status, 200);
    assert.match(JSON.stringify(again.response), /已阅 ✓/);
  },

  'admin "通知报告" → 已阅 1 / 1, nobody left in the not-acknowledged table': async (stack) => {
    const admin = stack.user('admin');
    const report = await admin.ask('通知报告', { card: true, match: new RegExp(`通知报告：${TITLE}`) });
    const card = cardOf(report);
    assert.equal(fact(card, '已阅'), '1 / 1');
    assert.equal(fact(card, '已送达'), '1');
    assert.equal(fact(card, '未安装'), '1');
    assert.doesNotMatch(textOf(report), /未阅人员（按单位）/);
  },
};
