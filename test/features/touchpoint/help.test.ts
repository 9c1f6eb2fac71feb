import { describe, expect, it } from 'vitest';
import { commandCatalogue } from '../../../src/features/touchpoint/touchpoint.catalogue.js';
import { touchpointIds } from '../../../src/features/touchpoint/touchpoint.ids.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

function allText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

describe('/touchpoint help', () => {
  const app = useTestApp();

  it('answers ephemerally, to the requester only, with every command of the product', async () => {
    const response = await app.command('/touchpoint', 'help', {
      user_id: ids.employee,
      channel_id: ids.generalChannel,
    });
    expect(response.status).toBe(200);
    const call = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(call.args.channel).toBe(ids.generalChannel);
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const text = allText(call.args.blocks);
    for (const group of commandCatalogue) {
      for (const entry of group.entries) expect(text).toContain(entry.usage);
    }
    for (const command of ['/killrule', '/story', '/logcall', '/roadmap', '/touchpoint']) {
      expect(text).toContain(command);
      expect(String(call.args.text)).toContain(command);
    }
  });

  it('marks the CX-office-only commands', async () => {
    await app.command('/touchpoint', '', { user_id: ids.otherEmployee });
    const call = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.otherEmployee);
    const blocks = call.args.blocks as { block_id?: string; text?: { text: string } }[];
    const running = blocks.find((b) => b.block_id === touchpointIds.helpGroup('/touchpoint'));
    const lines = running?.text?.text.split('\n') ?? [];
    expect(lines.find((l) => l.includes('/touchpoint digest send'))).toContain('CX office');
    expect(lines.find((l) => l.includes('/touchpoint help'))).not.toContain('CX office');
    const rules = blocks.find((b) => b.block_id === touchpointIds.helpGroup('/killrule'));
    expect(rules?.text?.text).not.toContain('CX office');
  });

  it('answers an unknown subcommand with help, showing what was typed escaped', async () => {
    await app.command('/touchpoint', 'frobnicate <!channel> <@U0EMPL0002>', { user_id: ids.employee });
    const call = await app.slack.waitFor('chat.postEphemeral');
    const blocks = call.args.blocks as { block_id?: string; text?: { text: string } }[];
    const unknown = blocks.find((b) => b.block_id === touchpointIds.helpUnknown)?.text?.text ?? '';
    expect(unknown).toContain('frobnicate &lt;!channel&gt; &lt;@U0EMPL0002&gt;');
    expect(allText(call.args)).not.toContain('<!channel>');
    expect(allText(call.args)).not.toContain('<@U0EMPL0002>');
    expect(allText(blocks)).toContain('/touchpoint digest preview');
  });

  it('falls back to the response URL where the bot is not in the conversation', async () => {
    await app.command('/touchpoint', 'help', { channel_id: 'D0SOMEDM01' });
    const reply = await app.slack.waitFor('response_url');
    expect(reply.args.response_type).toBe('ephemeral');
    expect(allText(reply.args.blocks)).toContain('/killrule mine');
    expect(app.slack.callsTo('chat.postEphemeral')[0]?.response).toMatchObject({ ok: false });
  });
});
