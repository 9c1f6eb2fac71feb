import { describe, expect, it } from 'vitest';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { renderSettingsModal } from '../../../src/features/settings/settings.views.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { checkView } from '../../support/block-kit.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

// Stage names are typed by the CX office; a retired one must show as typed, never as Slack markup.

type Block = { block_id?: string; elements?: { text?: string }[] };
const retiredLine = (blocks: Block[]) =>
  blocks.find((block) => block.block_id === settingsIds.retired)?.elements?.[0]?.text ?? '';

const byDefault = <T>(value: T) =>
  ({ value, origin: 'default', fallback: value, fallbackOrigin: 'default' }) as const;
const model = (stages: { name: string; retired: boolean }[]) => ({
  stages: stages.map((stage, i) => ({ ...stage, id: i + 1, ownerId: null })),
  categories: [],
  responseTarget: byDefault(10),
  quickKillTarget: byDefault(3),
  killByDays: byDefault(30),
  callTarget: byDefault(2),
  nudgeSlot: byDefault({ weekday: 2, hour: 10, minute: 0 }),
  digestSchedule: { ...byDefault('0 9 * * 1'), weekly: { weekday: 1, hour: 9, minute: 0 } },
  timeZone: 'UTC',
});

describe('the settings modal: retired stage names', () => {
  it('are escaped, so `<!channel>` or a mention shows as text and pings nobody', () => {
    const view = renderSettingsModal(
      model([
        { name: 'Use', retired: false },
        { name: '<!channel>', retired: true },
        { name: 'Ask <@U0EMPL0001> & co', retired: true },
      ]),
    );
    const line = retiredLine(view.blocks as Block[]);
    expect(line).toContain('&lt;!channel&gt;, Ask &lt;@U0EMPL0001&gt; &amp; co');
    expect(line).not.toMatch(/<[!@]/);
    expect(checkView(view)).toEqual([]);
  });

  it('stay within a context element’s 2,000 characters when there are many, escaped first', () => {
    const stages = Array.from({ length: 120 }, (_, i) => ({ name: `<!here> stage ${i}`, retired: true }));
    const view = renderSettingsModal(model([{ name: 'Use', retired: false }, ...stages]));
    const line = retiredLine(view.blocks as Block[]);
    expect(line.length).toBeLessThanOrEqual(2_000);
    expect(line).not.toContain('<!here>');
    expect(line).not.toMatch(/&[a-z]{0,3}…/); // never half an entity
    expect(checkView(view)).toEqual([]);
  });

  describe('through Slack', () => {
    const app = useTestApp();

    it('`/touchpoint settings` opens the modal with the retired `<!channel>` stage escaped', async () => {
      const db = app.running.database.db;
      await db.insert(journeyStages).values({ name: '<!channel>', position: 99, retiredAt: new Date() });

      await app.command('/touchpoint', 'settings', { user_id: ids.cxOfficer });
      const call = await app.slack.waitFor(
        'views.open',
        (c) => (c.args.view as { callback_id?: string }).callback_id === settingsIds.modal,
      );
      const line = retiredLine((call.args.view as { blocks: Block[] }).blocks);
      expect(line).toContain('Retired: &lt;!channel&gt;');
      expect(JSON.stringify(call.args.view)).not.toContain('<!channel>');
    });
  });
});
