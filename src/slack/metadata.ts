import type { z } from 'zod';

/**
 * `private_metadata` through a zod codec: what a modal carries between open and submit is checked on
 * the way back, never trusted. Slack caps it at 3,000 characters.
 */
export const PRIVATE_METADATA_MAX = 3000;

/**
 * A modal came back without the metadata it was opened with (missing, not JSON, or not its shape: a
 * forged payload, or a form opened by an older version). Thrown, never guessed around: read as "nothing"
 * it would turn an edit into an addition.
 */
export class MetadataError extends Error {
  readonly code = 'touchpoint_metadata_invalid';

  constructor(reason: string) {
    super(`private_metadata ${reason}`);
    this.name = 'MetadataError';
  }
}

export function isMetadataError(error: unknown): error is MetadataError {
  return error instanceof MetadataError;
}

/** What to tell someone whose form came back without its metadata: nothing was saved, open it again. */
export const FORM_OUT_OF_DATE =
  'This form is out of date, so nothing was saved. Close it and open it again from the command or button.';

export function encodeMetadata<T>(schema: z.ZodType<T>, value: T): string {
  const encoded = JSON.stringify(schema.parse(value));
  if (encoded.length > PRIVATE_METADATA_MAX) throw new Error('private_metadata over 3,000 characters');
  return encoded;
}

/** The metadata the modal was opened with; throws a `MetadataError` when it is missing or not its shape. */
export function decodeMetadata<T>(schema: z.ZodType<T>, raw: string | undefined): T {
  if (!raw) throw new MetadataError('is missing');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new MetadataError('is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MetadataError('does not match the form');
  return parsed.data;
}
