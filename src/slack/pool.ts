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
