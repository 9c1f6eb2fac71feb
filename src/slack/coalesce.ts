/**
 * Collapses bursts of requests per key into at most one run per interval, the last one running after
 * the burst. Used for card updates: 200 people clicking "me too" at once make a handful of chat.update
 * calls (Slack allows about one per second per message), and the last one shows the final count because
 * each run reads the current state. `request` resolves once a run that started after it has finished,
 * so a listener awaiting it stays "in flight" for graceful shutdown.
 */
export interface Coalescer<K> {
  request(key: K): Promise<void>;
}

interface KeyState {
  /** When the last run finished: Slack has seen its update by then, so the interval counts from here. */
  lastEnd: number;
  running: Promise<void> | undefined;
  next: Promise<void> | undefined;
}

export function createCoalescer<K>(
  intervalMs: number,
  run: (key: K) => Promise<void>,
  clock: () => number = Date.now,
): Coalescer<K> {
  const states = new Map<K, KeyState>();

  const start = (key: K, state: KeyState): Promise<void> => {
    const running = run(key).finally(() => {
      state.lastEnd = clock();
      if (state.running === running) state.running = undefined;
      // Forget an idle key once its interval has passed, so the map stays small.
      setTimeout(() => {
        if (!state.running && !state.next && states.get(key) === state) states.delete(key);
      }, intervalMs).unref();
    });
    state.running = running;
    return running;
  };

  return {
    request(key) {
      const state = states.get(key) ?? {
        lastEnd: Number.NEGATIVE_INFINITY,
        running: undefined,
        next: undefined,
      };
      states.set(key, state);
      if (state.next) return state.next; // a run is already queued after the current one: it will see this change
      const wait = state.lastEnd + intervalMs - clock();
      if (!state.running && wait <= 0) return start(key, state);
      const previous = state.running ?? Promise.resolve();
      state.next = previous
        .catch(() => undefined)
        .then(
          () =>
            new Promise((resolve) => setTimeout(resolve, Math.max(0, state.lastEnd + intervalMs - clock()))),
        )
        .then(() => {
          state.next = undefined;
          return start(key, state);
        });
      return state.next;
    },
  };
}
