import { z } from 'zod';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { isCronExpression } from '../../time.js';
import { getSetting } from './settings.queries.js';

/**
 * Every setting the CX office can change in Slack (`/touchpoint settings`), with its schema and default.
 * A stored value wins over the environment; an unreadable stored value falls back to the default. The
 * schemas are the product's ranges: saving the settings checks them, and so does an executive's own target.
 */
export const settingDefinitions = {
  /** Nominations without a decision after this many working days are called out as late. */
  'rules.responseTargetWorkingDays': {
    schema: z.number().int('A whole number of days.').min(1, 'At least 1 day.').max(60, 'At most 60 days.'),
    fallback: (_config: Config) => 10,
  },
  /** Customer calls a month expected of an executive without a personal target. */
  'calls.defaultMonthlyTarget': {
    schema: z.number().int('A whole number.').min(0, 'At least 0.').max(31, 'At most 31 a month.'),
    fallback: (_config: Config) => 2,
  },
  /** When nudges go out, in each executive's own time zone (ISO weekday 1 = Monday). */
  'calls.nudgeSlot': {
    schema: z.object({
      weekday: z.number().int().min(1).max(7),
      hour: z.number().int().min(0).max(23),
      minute: z.number().int().min(0).max(59),
    }),
    fallback: (_config: Config) => ({ weekday: 2, hour: 10, minute: 0 }),
  },
  /** The weekly update's cron schedule in the company time zone. */
  'digest.schedule': {
    schema: z
      .string()
      .trim()
      .refine(isCronExpression, 'Not a cron expression: for Mondays at 09:00 write 0 9 * * 1.'),
    fallback: (config: Config) => config.digestSchedule,
  },
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]['schema']>;

export async function readSetting<K extends SettingKey>(
  db: DbOrTx,
  config: Config,
  key: K,
): Promise<SettingValue<K>> {
  const definition = settingDefinitions[key];
  return getSetting(
    db,
    key,
    definition.schema as unknown as z.ZodType<SettingValue<K>>,
    definition.fallback(config) as SettingValue<K>,
  );
}
