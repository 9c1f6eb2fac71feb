import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { safeErrorText } from './slack/safe-errors.js';
import { describeStartupError } from './startup-errors.js';
import { type RunningTouchpoint, startTouchpoint } from './touchpoint.js';

// Process concerns only: read the environment, start, stop on a signal. The wiring is in touchpoint.ts.

const SHUTDOWN_DEADLINE_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`Touchpoint cannot start: ${message}\n`);
  process.exit(1);
}

// One failed promise nobody awaited (a Slack call after the answer, a detached callback in a library) must
// not take every other person's request down with it: log it, safely (no IDs or typed text), and keep
// serving. Node's default for both is to exit. Before the start finished, it is a failed start.
let started = false;
process.on('unhandledRejection', (reason) => {
  if (!started) fail(describeStartupError(reason));
  process.stderr.write(`Touchpoint: unhandled rejection (still serving): ${safeErrorText(reason)}\n`);
});
process.on('uncaughtException', (error, origin) => {
  if (!started) fail(describeStartupError(error));
  process.stderr.write(
    `Touchpoint: uncaught exception in ${origin} (still serving): ${safeErrorText(error)}\n`,
  );
});

let config: ReturnType<typeof loadConfig>;
try {
  loadDotEnv();
  config = loadConfig(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : describeStartupError(error));
}

let running: RunningTouchpoint;
try {
  running = await startTouchpoint(config);
  started = true;
} catch (error) {
  fail(describeStartupError(error, config));
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`Touchpoint received ${signal}: finishing work in flight, then stopping.\n`);
  const deadline = setTimeout(() => {
    process.stderr.write('Touchpoint did not stop in time; exiting anyway.\n');
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  try {
    await running.stop();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`Touchpoint stopped with an error: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
