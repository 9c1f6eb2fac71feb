import type { z } from 'zod';

/**
 * `private_metadata` through a zod codec: what a modal carries between open and submit is checked on
 * the way back, never trusted. Slack caps it at 3,000 characters.
 */
export const PRIVATE_METADATA_MAX = 3000;

export function encodeMetadata<T>(schema: z.ZodType<T>, value: T): string {
  const encoded = JSON.stringify(schema.parse(value));
  if (encoded.length > PRIVATE_METADATA_MAX) throw new Error('private_metadata over 3,000 characters');
  return encoded;
}

export function decodeMetadata<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
