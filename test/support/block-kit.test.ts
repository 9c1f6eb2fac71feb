import { describe, expect, it } from 'vitest';
import { checkBlocks, checkMessage, checkView } from './block-kit.js';

// The fake Slack trusts this checker; these tests make sure it really refuses what Slack refuses.
const section = (text: string, blockId?: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  block_id: blockId,
});

describe('Block Kit limit checker', () => {
  it('accepts a well-formed message', () => {
    expect(checkMessage({ text: 'hi', blocks: [section('hi'), { type: 'divider' }] })).toEqual([]);
  });

  it('refuses more than 50 blocks in a message but allows 100 in a modal', () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`n${i}`));
    expect(checkBlocks(blocks, 'message').join()).toContain('more than 50');
    expect(checkBlocks(blocks, 'modal')).toEqual([]);
    expect(checkBlocks([...blocks, ...blocks], 'modal').join()).toContain('more than 100');
  });

  it('refuses section text over 3000 characters, empty text and a header over 150', () => {
    expect(checkBlocks([section('x'.repeat(3001))], 'message').join()).toContain('more than 3000');
    expect(checkBlocks([section('')], 'message').join()).toContain('empty');
    const header = { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } };
    expect(checkBlocks([header], 'message').join()).toContain('more than 150');
  });

  it('refuses duplicate block IDs, input blocks in messages and unknown block types', () => {
    expect(checkBlocks([section('a', 'x'), section('b', 'x')], 'message').join()).toContain(
      'duplicate block_id',
    );
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'L' },
      element: { type: 'plain_text_input' },
    };
    expect(checkBlocks([input], 'message').join()).toContain('not allowed');
    expect(checkBlocks([{ type: 'sparkles' }], 'message').join()).toContain('not allowed');
  });

  it('refuses a button label over 75 characters and more than 25 elements in actions', () => {
    const button = (i: number, text = 'Go') => ({
      type: 'button',
      action_id: `a${i}`,
      text: { type: 'plain_text', text },
    });
    expect(
      checkBlocks([{ type: 'actions', elements: [button(1, 'b'.repeat(76))] }], 'message').join(),
    ).toContain('75');
    const many = Array.from({ length: 26 }, (_, i) => button(i));
    expect(checkBlocks([{ type: 'actions', elements: many }], 'message').join()).toContain('1 to 25');
  });

  it('refuses a modal title over 24 characters, missing submit with inputs and oversized metadata', () => {
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'L' },
      element: { type: 'plain_text_input' },
    };
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 't'.repeat(25) },
      blocks: [input],
      private_metadata: 'm'.repeat(3001),
    };
    const problems = checkView(view).join('\n');
    expect(problems).toContain('view.title');
    expect(problems).toContain('view.submit');
    expect(problems).toContain('private_metadata');
  });

  it('refuses a message with neither text nor blocks', () => {
    expect(checkMessage({}).join()).toContain('needs text or blocks');
  });
});
