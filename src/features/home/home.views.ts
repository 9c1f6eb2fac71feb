import type { HomeView, KnownBlock } from '@slack/types';
import { context, divider, header } from '../../slack/blocks.js';

export const HOME_MAX_BLOCKS = 100;

/** The Home tab: a greeting, then each feature's section, cut to Slack's 100-block limit. */
export function renderHome(sections: KnownBlock[][]): HomeView {
  const blocks: KnownBlock[] = [
    header('Touchpoint'),
    context('Keeping leaders close to customers. Type `/touchpoint help` for every command.'),
  ];
  for (const section of sections) {
    if (section.length === 0) continue;
    if (blocks.length + section.length + 1 > HOME_MAX_BLOCKS) break;
    blocks.push(divider(), ...section);
  }
  return { type: 'home', blocks };
}
