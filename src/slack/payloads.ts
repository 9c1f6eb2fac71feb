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
