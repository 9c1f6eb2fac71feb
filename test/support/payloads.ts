import { randomUUID } from 'node:crypto';
import { FAKE_TEAM } from './fake-slack.js';

/** Typed payload factories with Slack-like defaults; tests override only what matters to them. */

export const ids = {
  employee: 'U0EMPL0001',
  otherEmployee: 'U0EMPL0002',
  cxOfficer: 'U0CXOFF001',
  cxGroupMember: 'U0CXOFF002',
  cxGroup: 'S0CXOFFICE',
  executive: 'U0EXEC0001',
  backlogChannel: 'C0BACKLOG1',
  digestChannel: 'C0DIGEST01',
  generalChannel: 'C0GENERAL1',
  appId: 'A0TOUCHPT1',
} as const;

export function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export function slashCommand(
  command: string,
  text: string,
  overrides: Partial<Record<string, string>> & { response_url: string },
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM,
    team_domain: 'touchpoint-test',
    channel_id: ids.generalChannel,
    channel_name: 'general',
    user_id: ids.employee,
    user_name: 'employee.one',
    command,
    text,
    api_app_id: ids.appId,
    is_enterprise_install: 'false',
    trigger_id: triggerId(),
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
