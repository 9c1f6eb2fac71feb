import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../src/slack/coalesce.js';

describe('createCoalescer', () => {
  it('turns a burst into a first run and one trailing run that sees the final state', async () => {
    let state = 0;
    const seen: number[] = [];
    const coalescer = createCoalescer(50, async () => {
      seen.push(state);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    const requests: Promise<void>[] = [];
    for (let i = 1; i <= 200; i += 1) {
      state = i;
      requests.push(coalescer.request('card'));
    }
    await Promise.all(requests);
    expect(seen).toEqual([1, 200]);
  });

  it('keeps at least the interval between runs of one key, but not across keys', async () => {
    const starts: [string, number][] = [];
    const coalescer = createCoalescer(40, async (key: string) => {
      starts.push([key, Date.now()]);
    });
    await Promise.all([coalescer.request('a'), coalescer.request('b')]);
    await coalescer.request('a');
    const a = starts.filter(([key]) => key === 'a').map(([, at]) => at);
    expect(a).toHaveLength(2);
    expect((a[1] ?? 0) - (a[0] ?? 0)).toBeGreaterThanOrEqual(35);
    expect(starts.filter(([key]) => key === 'b')).toHaveLength(1);
  });

  it('runs again after a failed run', async () => {
    let calls = 0;
    const coalescer = createCoalescer(0, async () => {
      calls += 1;
      if (calls === 1) throw new Error('slack down');
    });
    await expect(coalescer.request('k')).rejects.toThrow('slack down');
    await coalescer.request('k');
    expect(calls).toBe(2);
  });
});
