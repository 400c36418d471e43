// Regulations journey through Microsoft's own Agents Playground (issue 4, "Tests"): on a fresh run the bot has imported
// only the shipped sample 《某县委组织部廉政谈话工作办法（示例）》. The member 陈晨 asks the question the README promises
// an answer to ("谈话记录表保存期限是几年") → answer card
// citing 第十二条 with the article text quoted from the sample → clicks a related-article button → that article's card.
const assert = require('assert/strict');
const fs = require('fs');
const path = require('path');
const { cardOf, actionsOf, textOf } = require('../lib/playground');
const { REPO_ROOT, sleep } = require('../lib/util');

const SAMPLE = path.join(REPO_ROOT, 'regulations', '某县委组织部廉政谈话工作办法（示例）.md');
const QUESTION = '谈话记录表保存期限是几年';   // README, "Regulations › First start"
const state = {};

/** The text of article `label` (e.g. 第十二条) in the shipped sample, without its number. */
function sampleArticle(label) {
  const lines = fs.readFileSync(SAMPLE, 'utf8').split('\n');
  const line = lines.find((l) => l.startsWith(label + ' ') || l.startsWith(label + '　'));
  assert.ok(line, `${label} is in the sample document`);
  return line.slice(label.length).trim();
}

module.exports = {
  'member asks "谈话记录表保存期限是几年" → answer card: 《…（示例）》第十二条 with the text quoted from the sample': async (stack) => {
    const member = stack.user('member');
    await member.installAndSettle();
    // The sample is imported in the background at start-up; the first answer may come before the index is ready.
    let answer;
    for (let attempt = 0; attempt < 5; attempt++) {
      answer = await member.ask(QUESTION, { card: true, match: /条/, timeoutMs: 30000 });
      if (!/没有找到/.test(cardOf(answer).body[0].text)) break;
      await sleep(2000);
    }
    const card = cardOf(answer);
    const heading = card.body[0].text;
    assert.match(heading, /《某县委组织部廉政谈话工作办法（示例）》第十二条/, `answer heading: ${heading}`);
    const text = textOf(answer);
    assert.ok(text.includes(sampleArticle('第十二条')), 'the article text is quoted verbatim from the sample');
    assert.match(text, /第三章 谈话程序/, 'where the article sits (章)');
    const related = actionsOf(card).filter((a) => a.type === 'Action.Execute' && a.verb === 'reg.article');
    assert.ok(related.length >= 2 && related.length <= 4, `2–4 related-article buttons, got ${related.length}`);
    for (const a of related) {
      assert.equal(a.data.verb, a.verb);
      assert.equal(a.fallback?.type, 'Action.Submit');
    }
    state.answer = answer;
    state.related = related;
  },

  'click a related-article button → card for that article replaces the answer (PUT)': async (stack) => {
    const member = stack.user('member');
    const button = state.related[0];
    const label = button.title.match(/第[一二三四五六七八九十百零〇]+条(之[一二三四五六七八九十]+)?/)?.[0];
    assert.ok(label, `button title names an article: ${button.title}`);
    const { card } = await member.executeReplacing(state.answer, button.title, {}, { match: new RegExp(`》${label}`) });
    assert.ok(JSON.stringify(card).includes(sampleArticle(label).slice(0, 20)), `${label}'s text from the sample`);
  },

  'a question the sample does not cover gets an honest "没有找到直接相关的条款"': async (stack) => {
    const member = stack.user('member');
    const answer = await member.ask('高铁二等座的行李额是多少公斤', { match: /没有找到|没找到/, timeoutMs: 30000 });
    assert.doesNotMatch(textOf(answer), /第十二条.*保存期限/);
  },
};
