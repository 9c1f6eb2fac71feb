import { callsIds } from '../../src/features/calls/calls.ids.js';
import type { StateInput } from './payloads.js';

/** The log-a-call modal filled in: a reached call with one follow-up, shared as a story; override any field. */
export function callFormState(
  overrides: Partial<Record<string, StateInput>> = {},
): Record<string, StateInput> {
  return {
    [callsIds.customer]: { type: 'plain_text_input', value: 'ACME GmbH' },
    [callsIds.contact]: { type: 'plain_text_input', value: null },
    [callsIds.date]: { type: 'datepicker', date: '2026-11-16' },
    [callsIds.kind]: { type: 'static_select', value: 'call' },
    [callsIds.result]: { type: 'static_select', value: 'reached' },
    [callsIds.duration]: { type: 'plain_text_input', value: '25' },
    [callsIds.stage]: { type: 'static_select', value: null },
    [callsIds.learned]: { type: 'plain_text_input', value: 'Invoices confuse them <!channel>' },
    [callsIds.sentiment]: { type: 'radio_buttons', value: 'negative' },
    followup_0: { type: 'plain_text_input', value: 'Send the simpler invoice template' },
    followup_0_owner: { type: 'users_select', user: 'U0OWNER001' },
    followup_0_due: { type: 'datepicker', date: '2026-11-18' },
    followup_1: { type: 'plain_text_input', value: null },
    followup_1_owner: { type: 'users_select', user: null },
    followup_1_due: { type: 'datepicker', date: null },
    followup_2: { type: 'plain_text_input', value: null },
    followup_2_owner: { type: 'users_select', user: null },
    followup_2_due: { type: 'datepicker', date: null },
    [callsIds.share]: { type: 'checkboxes', values: ['share'] },
    ...overrides,
  };
}
