import { z } from 'zod';

/** `/touchpoint stages [YYYY-MM]`: the month typed, or none (last month). */
const monthSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export type MonthArgument = { ok: true; month: string | undefined } | { ok: false; typed: string };

/** Reads the text after `stages`: empty means "last full month"; anything else must be YYYY-MM. */
export function parseMonthArgument(rest: string): MonthArgument {
  const typed = rest.trim();
  if (typed === '') return { ok: true, month: undefined };
  const parsed = monthSchema.safeParse(typed);
  return parsed.success ? { ok: true, month: parsed.data } : { ok: false, typed };
}
