import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  decodeMetadata,
  encodeMetadata,
  isMetadataError,
  MetadataError,
  PRIVATE_METADATA_MAX,
} from '../../src/slack/metadata.js';

const itemMetadata = z.object({ itemId: z.number().int().positive().optional() });

function decodeError(raw: string | undefined): unknown {
  try {
    decodeMetadata(itemMetadata, raw);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('private_metadata codecs', () => {
  it('round-trips what was encoded', () => {
    expect(decodeMetadata(itemMetadata, encodeMetadata(itemMetadata, { itemId: 12 }))).toEqual({
      itemId: 12,
    });
    expect(decodeMetadata(itemMetadata, encodeMetadata(itemMetadata, {}))).toEqual({});
  });

  // Read as "nothing", a lost `itemId` would make an edit form add a new item.
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not JSON', '{"itemId":'],
    ['of another shape', '{"itemId":"12"}'],
    ['not an object', '[12]'],
  ])('throws a coded MetadataError when it is %s', (_name, raw) => {
    const error = decodeError(raw);
    expect(error).toBeInstanceOf(MetadataError);
    expect(isMetadataError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'touchpoint_metadata_invalid' });
    // The message says what was wrong, never what the metadata held.
    expect((error as Error).message).not.toContain('itemId');
  });

  it('tells its own error from any other', () => {
    expect(isMetadataError(new Error('private_metadata is missing'))).toBe(false);
  });

  it('refuses to encode more than Slack keeps', () => {
    const notes = z.object({ text: z.string() });
    expect(() => encodeMetadata(notes, { text: 'x'.repeat(PRIVATE_METADATA_MAX) })).toThrow(/3,000/);
  });
});
