import { z } from 'zod';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import { CHECK_QUESTION_RENDER, loadQuestion } from './checks.service.js';
import { renderCheckQuestion } from './checks.views.js';

/** The question's DM, rendered when the outbox sends it: the stage as it is called then, the answer given. */
const input = z.object({ checkId: z.number().int().positive() });

export const checksRenderers: OutboxRenderer[] = [
  {
    name: CHECK_QUESTION_RENDER,
    async render(db, raw) {
      const parsed = input.safeParse(raw);
      const question = parsed.success ? await loadQuestion(db, parsed.data.checkId) : undefined;
      return question ? { ...renderCheckQuestion(question), unfurl_links: false } : null;
    },
  },
];
