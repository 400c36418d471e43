// The demo identities shared with the demo directory (see HELPERS-COMMON / README). One Playground per user.
const TENANT_ID = '00000000-0000-0000-0000-0000000000001';
const BOT = { id: '00000000-0000-0000-0000-00000000000011', name: '廉政约谈助手' };

const USERS = {
  admin: { id: 'user-admin', aadObjectId: '00000000-0000-0000-0000-00000000a001', name: '李敏', givenName: '敏', surname: '李', email: 'limin@demo.gov.cn', unit: '县委组织部/办公室' },
  leader1: { id: 'user-leader1', aadObjectId: '00000000-0000-0000-0000-00000000b001', name: '王强', givenName: '强', surname: '王', email: 'wangqiang@demo.gov.cn', unit: '县委组织部' },
  leader2: { id: 'user-leader2', aadObjectId: '00000000-0000-0000-0000-00000000b002', name: '赵丽', givenName: '丽', surname: '赵', email: 'zhaoli@demo.gov.cn', unit: '县委组织部' },
  member: { id: 'user-member', aadObjectId: '00000000-0000-0000-0000-00000000c001', name: '陈晨', givenName: '晨', surname: '陈', email: 'chenchen@demo.gov.cn', unit: '县委组织部/干部科' },
};

/** Order fixes the ports: admin 56150, leader1 56151, leader2 56152, member 56153. */
const USER_KEYS = ['admin', 'leader1', 'leader2', 'member'];

/**
 * The Playground's config schema wants at least 5 users besides the current one; these two fill the list.
 * They are not in the demo directory (the bot treats them as unknown people).
 */
const FILLER_USERS = [
  { id: 'user-guest1', aadObjectId: '00000000-0000-0000-0000-00000000f001', name: '访客一', givenName: '一', surname: '访客', email: 'guest1@example.invalid' },
  { id: 'user-guest2', aadObjectId: '00000000-0000-0000-0000-00000000f002', name: '访客二', givenName: '二', surname: '访客', email: 'guest2@example.invalid' },
];

/** The group chat every playground defines (all four users are members). */
const GROUP_CHAT = { id: 'group-chat-integrity', name: '廉政工作群' };

module.exports = { TENANT_ID, BOT, USERS, USER_KEYS, GROUP_CHAT, FILLER_USERS };
