/**
 * Runs `task` over `items` with at most `concurrency` in flight. Keeps bulk Slack work (thousands of DMs)
 * within rate limits without sending one at a time; each task handles its own errors.
 */
export async function forEachConcurrently<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * A line of tasks run one at a time, in order. `run` resolves (or rejects) with the task's own result.
 * Used for work that follows an ack and can wait its turn: under a burst the acks go first, and the
 * posts to one channel go out one by one, as Slack's per-channel limit for chat.postMessage expects.
 */
export function createSerialQueue(): { run<T>(task: () => Promise<T>): Promise<T> } {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(task) {
      const result = tail.then(task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
