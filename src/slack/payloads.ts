import { z } from 'zod';

/** The fields of a slash command payload Touchpoint relies on, checked rather than trusted. */
export const slashCommandSchema = z.object({
  command: z.string().startsWith('/'),
  text: z.string().default(''),
  user_id: z.string().regex(/^[UW][A-Z0-9]+$/),
  channel_id: z.string().min(1),
  team_id: z.string().optional(),
  response_url: z.string().url().optional(),
  trigger_id: z.string().min(1),
});

export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

/**
 * `app_home_opened`: who opened which tab. Bolt routes the event by its type only, so a forged or broken
 * one may come without a user (or with an object for it): it names nobody whose Home could be rendered.
 */
export const appHomeOpenedSchema = z.object({
  type: z.literal('app_home_opened'),
  user: z.string().regex(/^[UW][A-Z0-9]+$/),
  tab: z.string().optional(),
});

/** A click (button, select, users select) on a message or in App Home. */
export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  trigger_id: z.string(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ type: z.string() }).loose(),
  response_url: z.string().optional(),
  actions: z
    .array(
      z
        .object({
          action_id: z.string(),
          block_id: z.string().optional(),
          action_ts: z.string(),
          value: z.string().optional(),
          selected_option: z.object({ value: z.string() }).nullish(),
          selected_user: z.string().nullish(),
        })
        .loose(),
    )
    .min(1),
});
export type BlockActionPayload = z.infer<typeof blockActionSchema>;

/** A modal submission. */
export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string() }),
  view: z
    .object({
      id: z.string(),
      callback_id: z.string().optional(),
      private_metadata: z.string().optional(),
      state: z.unknown(),
    })
    .loose(),
});
export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;

/** A global or message shortcut. */
export const shortcutSchema = z.object({
  type: z.enum(['shortcut', 'message_action']),
  callback_id: z.string(),
  trigger_id: z.string(),
  user: z.object({ id: z.string() }),
  channel: z.object({ id: z.string() }).optional(),
  message_ts: z.string().optional(),
  message: z.object({ text: z.string().optional(), ts: z.string().optional() }).loose().optional(),
  response_url: z.string().optional(),
});
export type ShortcutPayload = z.infer<typeof shortcutSchema>;
