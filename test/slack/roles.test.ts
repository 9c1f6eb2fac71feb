import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoles } from '../../src/slack/roles.js';
import { FAKE_BOT_TOKEN, type FakeSlack } from '../support/fake-slack.js';
import { ids } from '../support/payloads.js';
import { startFakeSlack } from '../support/test-app.js';

describe('roles', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    slack = await startFakeSlack();
    client = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('knows the CX office from user IDs and from user-group members', async () => {
    const roles = createRoles(client, {
      cxOffice: [ids.cxOfficer, ids.cxGroup],
      executives: [ids.executive],
    });
    expect(await roles.isCxOffice(ids.cxOfficer)).toBe(true);
    expect(await roles.isCxOffice(ids.cxGroupMember)).toBe(true);
    expect(await roles.isCxOffice(ids.employee)).toBe(false);
    expect(await roles.isExecutive(ids.executive)).toBe(true);
    expect(await roles.isExecutive(ids.cxOfficer)).toBe(false);
    expect((await roles.cxOfficeMembers()).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());
  });

  it('caches group members briefly, then sees a change made in Slack', async () => {
    let clock = 0;
    slack.addUsergroup('S0EXECS001', [ids.executive]);
    const roles = createRoles(
      client,
      { cxOffice: [], executives: ['S0EXECS001'] },
      { ttlMs: 60_000, now: () => clock },
    );
    slack.calls.length = 0;
    expect(await roles.isExecutive(ids.executive)).toBe(true);
    expect(await roles.isExecutive(ids.employee)).toBe(false);
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(1);

    slack.addUsergroup('S0EXECS001', [ids.employee]);
    clock = 59_000;
    expect(await roles.isExecutive(ids.employee)).toBe(false);
    clock = 61_000;
    expect(await roles.isExecutive(ids.employee)).toBe(true);
    expect(await roles.isExecutive(ids.executive)).toBe(false);
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(2);
  });

  it('fails closed when a group cannot be read, and keeps the last good list when it could', async () => {
    let clock = 0;
    const roles = createRoles(
      client,
      { cxOffice: [ids.cxGroup, 'S0MISSING1'], executives: [] },
      { ttlMs: 1_000, now: () => clock },
    );
    expect(await roles.isCxOffice(ids.cxGroupMember)).toBe(true);
    clock = 5_000;
    slack.failNext('usergroups.users.list', 'internal_error');
    expect(await roles.isCxOffice(ids.cxGroupMember)).toBe(true);
    expect(await roles.isCxOffice(ids.employee)).toBe(false);
  });
});
