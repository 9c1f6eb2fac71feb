/** A clock the test moves by hand (the outbox worker schedules retries and pauses in this time). */
export function testClock(start = '2026-11-30T09:00:00Z') {
  let at = new Date(start).getTime();
  return {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
  };
}
