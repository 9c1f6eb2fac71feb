import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { createLogger, runWithLogContext, type TouchpointLogger } from '../src/logger.js';

// What people typed and who they are: none of it may reach a log line, whatever the call site.
const SUBMITTER = 'U0EMPL0001';
const SECRET = 'my secret rule text';
const DM = 'D0ANONDM01';

/** A logger writing JSON lines into an array. */
function capture(level: 'debug' | 'info' = 'info', quietUntilSpoken = false) {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    quietUntilSpoken,
    destination: { write: (line: string) => void lines.push(line) },
  });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

function failedInsert(): DrizzleQueryError {
  const cause = Object.assign(new Error('duplicate key value violates unique constraint "rules_pkey"'), {
    code: '23505',
    detail: `Key (submitter)=(${SUBMITTER}) already exists.`,
  });
  return new DrizzleQueryError(
    'insert into "rules" ("submitter", "text") values ($1, $2)',
    [SUBMITTER, SECRET],
    cause,
  );
}

function expectNothingPrivate(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line).not.toContain(SUBMITTER);
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain(DM);
    expect(line).not.toContain('insert into');
    expect(line).not.toContain('"params"');
  }
}

describe('the logger', () => {
  it('writes JSON lines with time, level, message and the request id of the context they were logged in', () => {
    const { logger, parsed } = capture();
    runWithLogContext({ requestId: 'a1b2c3d4e5f6', request: 'view_submission rules.nominate' }, () =>
      logger.info('Touchpoint is listening on port 3000'),
    );
    logger.info('outside any request');

    const [inside, outside] = parsed();
    expect(inside).toMatchObject({
      level: 'info',
      msg: 'Touchpoint is listening on port 3000',
      requestId: 'a1b2c3d4e5f6',
      request: 'view_submission rules.nominate',
    });
    expect(new Date(String(inside?.time)).getTime()).not.toBeNaN();
    expect(outside?.requestId).toBeUndefined();
  });

  it('keeps the context across awaits, and a job run’s name and id', async () => {
    const { logger, parsed } = capture();
    await runWithLogContext({ job: 'calls.nudge', jobId: '0f0f0f0f0f0f' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.warn('A nudge could not be sent');
    });
    expect(parsed()[0]).toMatchObject({ level: 'warn', job: 'calls.nudge', jobId: '0f0f0f0f0f0f' });
  });

  it('reduces a failed query to the database’s reason, whether passed as an error or quoted in the text', () => {
    const { logger, lines, parsed } = capture();
    const error = failedInsert();
    runWithLogContext({ requestId: 'feedc0ffee00' }, () => {
      logger.error(error); // as Bolt's default handler does
      logger.error('Saving a story failed:', error); // as a call site passing the error
      logger.error(`Saving a call failed: ${error.message}`); // as the call sites that forgot
      logger.pino.error({ err: error, rule: { params: [SUBMITTER], query: 'select' } }, 'direct');
    });

    expectNothingPrivate(lines);
    const [first, second, third, fourth] = parsed();
    expect(first?.msg).toBe('query failed: duplicate key value violates unique constraint "rules_pkey"');
    expect(first?.err).toMatchObject({
      type: 'Error',
      message: 'query failed: duplicate key value violates unique constraint "rules_pkey"',
      cause: { code: '23505' },
    });
    expect(String((first?.err as { stack?: unknown } | undefined)?.stack)).toMatch(/^\s+at /);
    expect(second?.msg).toBe(
      'Saving a story failed: query failed: duplicate key value violates unique constraint "rules_pkey"',
    );
    expect(third?.msg).toBe('Saving a call failed: query failed');
    expect(fourth).toMatchObject({ msg: 'direct', rule: {}, requestId: 'feedc0ffee00' });
  });

  it('masks user and DM IDs, and drops JSON dumps and query strings, at debug too', () => {
    const { logger, lines, parsed } = capture('debug');
    logger.warn(`Could not read user group S0CXGROUP1 for ${SUBMITTER}`);
    logger.info(`An API error occurred: channel_not_found (${DM})`);
    logger.debug(`http request body: ${JSON.stringify({ channel: DM, text: SECRET })}`);
    logger.debug(JSON.stringify({ type: 'view_submission', user: { id: SUBMITTER } }));
    logger.info(`Unhandled HTTP request (GET) made to /slack/events?user=${SUBMITTER}&text=secret`);
    logger.error(`Failed to parse the request body: Unexpected token 'm', "${SECRET}" is not valid JSON`);
    logger.pino.info({ user: SUBMITTER, nested: { count: 3, text: SECRET, blocks: [SECRET] } }, 'fields');

    expectNothingPrivate(lines);
    expect(lines.join('\n')).not.toContain('secret');
    expect(parsed().map((line) => line.msg)).toEqual([
      'Could not read user group S0CXGROUP1 for [id]',
      'An API error occurred: channel_not_found ([id])',
      'http request body: [payload omitted]',
      '[payload omitted]',
      'Unhandled HTTP request (GET) made to /slack/events?[query omitted]',
      "Failed to parse the request body: Unexpected token 'm', input is not valid JSON",
      'fields',
    ]);
    expect(parsed()[6]).toMatchObject({ user: '[id]', nested: { count: 3 } });
  });

  it('serialises an error without the query or parameters it carries', () => {
    const { logger, lines, parsed } = capture();
    const error = Object.assign(new Error('A change to a nomination failed'), {
      params: [SUBMITTER, SECRET],
      query: 'update rules set note = $2 where submitter = $1',
      data: { channel: DM },
    });
    logger.error(error);
    expectNothingPrivate(lines);
    expect(Object.keys(parsed()[0]?.err as object).sort()).toEqual(['message', 'stack', 'type']);
  });

  it('keeps Web API debug lines below info, and says nothing until spoken to when asked to', () => {
    const { logger, lines } = capture('info', true);
    logger.info('before the start succeeded');
    logger.speak();
    logger.debug('http request url: https://slack.com/api/chat.postMessage');
    logger.info('after');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"msg":"after"');
    logger.setLevel('debug' as Parameters<TouchpointLogger['setLevel']>[0]);
    logger.debug('now shown');
    expect(lines).toHaveLength(2);
  });
});
