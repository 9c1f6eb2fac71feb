/**
 * `npm run faults` — the fault suite: real Touchpoint processes driven through signed HTTP and the fake
 * Slack, with faults in wall time (kill -9, Slack answering 429 or 500, two replicas, PostgreSQL
 * stopped, malformed requests). Prints one table of figures; exits 1 when a target is missed.
 *
 *   npm run faults                         every scenario (PostgreSQL ones on DATABASE_URL's server)
 *   npm run faults -- --only kill,outage   some scenarios (by the start of their key)
 *   npm run faults -- --dist               run the compiled app (npm run build first), as production does
 *
 * The scenarios wait for real (fault windows are wall time), each wait bounded: a few minutes in all.
 * The machine's PostgreSQL server is never stopped: the outage scenario stops a private cluster.
 */
import { parseArgs } from 'node:util';
import type { Row, Scenario, SuiteContext } from './harness.js';
import { killMidFanout } from './kill-mid-fanout.js';
import { malformedPayloads } from './malformed.js';
import { postgresDown } from './postgres-down.js';
import { replicasDraining } from './replicas.js';
import { slackOutage } from './slack-outage.js';

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, dist: { type: 'boolean', default: false } },
});

const scenarios: Record<string, Scenario> = {
  kill: killMidFanout,
  outage: slackOutage,
  replicas: replicasDraining,
  postgres: postgresDown,
  malformed: malformedPayloads,
};
const chosen = args.only
  ? Object.entries(scenarios).filter(([key]) => args.only?.split(',').some((only) => key.startsWith(only)))
  : Object.entries(scenarios);
if (chosen.length === 0) {
  console.error(`--only takes some of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp() {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop();
    try {
      await cleanup?.();
    } catch (error) {
      console.error(`faults: clean-up failed: ${(error as Error).message}`);
    }
  }
}
// A private PostgreSQL cluster and temp directories must not outlive an interrupted run.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    console.error(`faults: ${signal}, cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });

const started = Date.now();
const context: SuiteContext = {
  adminUrl: process.env.FAULTS_DATABASE_URL ?? process.env.DATABASE_URL,
  how: args.dist ? 'dist' : 'tsx',
  onExit: (cleanup) => cleanups.push(cleanup),
  log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`),
};

const rows: Row[] = [];
for (const [key, scenario] of chosen) {
  const scenarioStarted = Date.now();
  context.log(`${scenario.name}…`);
  try {
    rows.push(...(await scenario.run(context)));
  } catch (error) {
    rows.push({
      scenario: scenario.name,
      figure: 'ran to the end',
      value: `failed: ${String((error as Error).message ?? error).slice(0, 160)}`,
      target: 'yes',
      ok: false,
    });
  } finally {
    await cleanUp();
  }
  context.log(`${key} done in ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s`);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = [
  `Touchpoint fault suite, ${new Date().toISOString()}, node ${process.version}, app via ${context.how}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  '',
  '| scenario | figure | value | target | met |',
  '|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${cell(r.scenario)} | ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.target)} | ${r.ok === undefined ? '—' : r.ok ? 'yes' : '**no**'} |`,
  ),
];
process.stdout.write(`${table.join('\n')}\n`);
process.exit(rows.some((r) => r.ok === false) ? 1 : 0);
