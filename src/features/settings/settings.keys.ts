import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { getSetting } from './settings.queries.js';

/**
 * Every setting the CX office can change in Slack (`/touchpoint settings`), with its schema and default.
 * A stored value wins over the environment; an unreadable stored value falls back to the default.
 */
export const settingDefinitions = {
  /** Nominations without a decision after this many working days are called out as late. */
  'rules.responseTargetWorkingDays': {
    schema: z.number().int().min(1).max(60),
    fallback: (_config: Config) => 10,
  },
  /** Customer calls a month expected of an executive without a personal target. */
  'calls.defaultMonthlyTarget': {
    schema: z.number().int().min(0).max(31),
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
    schema: z.string().min(9),
    fallback: (config: Config) => config.digestSchedule,
  },
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]['schema']>;

export async function readSetting<K extends SettingKey>(
  db: Db,
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
