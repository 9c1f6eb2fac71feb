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

// ---- Interactivity -------------------------------------------------------------------------------

const team = { id: FAKE_TEAM, domain: 'touchpoint-test' };
const userOf = (id: string) => ({
  id,
  username: id.toLowerCase(),
  name: id.toLowerCase(),
  team_id: FAKE_TEAM,
});

/** A global shortcut from the ⚡ menu. */
export function globalShortcut(callbackId: string, user: string = ids.employee) {
  return {
    type: 'shortcut',
    token: 'deprecated-verification-token',
    action_ts: `${Date.now() / 1000}`,
    team,
    user: userOf(user),
    is_enterprise_install: false,
    callback_id: callbackId,
    trigger_id: triggerId(),
  };
}

/** A message shortcut from a message's ⋯ menu. */
export function messageShortcut(
  callbackId: string,
  message: { text: string; ts?: string; user?: string },
  options: { user?: string; channel?: string; responseUrl: string },
) {
  const ts = message.ts ?? '1700000000.000100';
  return {
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: `${Date.now() / 1000}`,
    team,
    user: userOf(options.user ?? ids.employee),
    channel: { id: options.channel ?? ids.generalChannel, name: 'general' },
    is_enterprise_install: false,
    callback_id: callbackId,
    trigger_id: triggerId(),
    message_ts: ts,
    message: { type: 'message', user: message.user ?? ids.otherEmployee, ts, text: message.text },
    response_url: options.responseUrl,
  };
}

export interface ActionSpec {
  action_id: string;
  block_id?: string;
  value?: string;
  type?: string;
  selected_user?: string;
  selected_option?: { value: string; text?: { type: 'plain_text'; text: string } };
  selected_date?: string;
  action_ts?: string;
}

/** A click on a button (or a select) in a message. */
export function blockActions(
  action: ActionSpec,
  options: { user?: string; channel?: string; messageTs?: string; responseUrl: string; view?: object },
) {
  const channel = options.channel ?? ids.backlogChannel;
  const messageTs = options.messageTs ?? '1700000001.000001';
  const base = {
    type: 'block_actions',
    token: 'deprecated-verification-token',
    api_app_id: ids.appId,
    team,
    user: userOf(options.user ?? ids.employee),
    trigger_id: triggerId(),
    actions: [{ type: 'button', block_id: 'block', action_ts: `${Date.now() / 1000}`, ...action }],
  };
  if (options.view) {
    return { ...base, container: { type: 'view', view_id: 'V0HOME0001' }, view: options.view };
  }
  return {
    ...base,
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'channel' },
    message: { type: 'message', ts: messageTs, text: 'card', blocks: [] },
    response_url: options.responseUrl,
  };
}

export type StateInput =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'static_select'; value: string | null }
  | { type: 'radio_buttons'; value: string | null }
  | { type: 'checkboxes'; values: string[] }
  | { type: 'datepicker'; date: string | null }
  | { type: 'timepicker'; time: string | null }
  | { type: 'users_select'; user: string | null }
  | { type: 'number_input'; value: string | null };

/** Builds `view.state.values` as Slack sends it, from `{ block_id: input }` (action_id = block_id). */
export function stateValues(inputs: Record<string, StateInput>) {
  const values: Record<string, Record<string, object>> = {};
  for (const [blockId, input] of Object.entries(inputs)) {
    let entry: object;
    switch (input.type) {
      case 'static_select':
      case 'radio_buttons':
        entry = { type: input.type, selected_option: input.value === null ? null : { value: input.value } };
        break;
      case 'checkboxes':
        entry = { type: input.type, selected_options: input.values.map((value) => ({ value })) };
        break;
      case 'datepicker':
        entry = { type: input.type, selected_date: input.date };
        break;
      case 'timepicker':
        entry = { type: input.type, selected_time: input.time };
        break;
      case 'users_select':
        entry = { type: input.type, selected_user: input.user };
        break;
      default:
        entry = { type: input.type, value: input.value };
    }
    values[blockId] = { [blockId]: entry };
  }
  return { values };
}

/** A modal's submission: the view as opened (from the fake Slack) plus the user's input. */
export function viewSubmission(
  view: { id?: string; callback_id?: string; private_metadata?: string; blocks?: unknown[] },
  inputs: Record<string, StateInput>,
  user: string = ids.employee,
) {
  return {
    type: 'view_submission',
    token: 'deprecated-verification-token',
    api_app_id: ids.appId,
    team,
    user: userOf(user),
    trigger_id: triggerId(),
    view: {
      id: view.id ?? 'V0FAKE0001',
      team_id: FAKE_TEAM,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      blocks: view.blocks ?? [],
      state: stateValues(inputs),
      hash: '1700000000.abcdef',
      title: { type: 'plain_text', text: 'Touchpoint' },
    },
    response_urls: [],
  };
}

/** An Events API callback (e.g. `app_home_opened`). */
export function eventCallback(
  event: Record<string, unknown>,
  eventId = `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
) {
  return {
    token: 'deprecated-verification-token',
    team_id: FAKE_TEAM,
    api_app_id: ids.appId,
    event: { event_ts: `${Date.now() / 1000}`, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
  };
}
