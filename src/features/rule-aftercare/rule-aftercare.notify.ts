import { z } from 'zod';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import { AFTERCARE_RENDER, loadQuestion, loadStillDeadCheck } from './rule-aftercare.service.js';
import {
  renderAnswerLine,
  renderBackAgainLine,
  renderQuestionDm,
  renderQuestionLine,
  renderStillDeadDm,
} from './rule-aftercare.views.js';

/** The aftercare's messages, rendered when the outbox sends them (the question as it is then). */

const questionInput = z.object({ questionId: z.number().int().positive() });
const checkInput = z.object({ checkId: z.number().int().positive() });

function questionRenderer(
  name: string,
  render: (view: NonNullable<Awaited<ReturnType<typeof loadQuestion>>>) => object,
): OutboxRenderer {
  return {
    name,
    async render(db, raw) {
      const parsed = questionInput.safeParse(raw);
      const view = parsed.success ? await loadQuestion(db, parsed.data.questionId) : undefined;
      return view ? { ...render(view), unfurl_links: false } : null;
    },
  };
}

function checkRenderer(
  name: string,
  render: (view: NonNullable<Awaited<ReturnType<typeof loadStillDeadCheck>>>) => object,
): OutboxRenderer {
  return {
    name,
    async render(db, raw) {
      const parsed = checkInput.safeParse(raw);
      const view = parsed.success ? await loadStillDeadCheck(db, parsed.data.checkId) : undefined;
      return view ? { ...render(view), unfurl_links: false } : null;
    },
  };
}

export const ruleAftercareRenderers: OutboxRenderer[] = [
  questionRenderer(AFTERCARE_RENDER.questionDm, renderQuestionDm),
  questionRenderer(AFTERCARE_RENDER.questionLine, renderQuestionLine),
  questionRenderer(AFTERCARE_RENDER.answerLine, renderAnswerLine),
  checkRenderer(AFTERCARE_RENDER.stillDeadDm, renderStillDeadDm),
  checkRenderer(AFTERCARE_RENDER.backAgainLine, renderBackAgainLine),
];
