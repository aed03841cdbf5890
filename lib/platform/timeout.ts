// Bound how long a caller waits for work it does not strictly need. The work itself carries on;
// its eventual failure is swallowed here so it never becomes an unhandled rejection.
export async function within<T>(work: Promise<T>, ms: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Only so a failure after the timeout is not an unhandled rejection: before it, the caller gets
  // the failure from the race below; after it, the caller has moved on to its fallback.
  work.catch(() => undefined);
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const winner = await Promise.race([work, timeout]);
    return winner === "timeout" ? await onTimeout() : winner;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One budget shared by every backend call a request makes before it answers: each call gets
 * what is left (never less than a few ms, so a local store still answers), and falls back when
 * it runs out.
 */
export function deadline(ms: number, floorMs = 15): { within: <T>(work: Promise<T>, onTimeout: () => T | Promise<T>) => Promise<T> } {
  const end = performance.now() + ms;
  return {
    within: (work, onTimeout) => within(work, Math.max(floorMs, end - performance.now()), onTimeout),
  };
}
