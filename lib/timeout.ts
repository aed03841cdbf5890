// Bound how long a caller waits for work it does not strictly need. The work itself carries on;
// its eventual failure is swallowed here so it never becomes an unhandled rejection.
export async function within<T>(work: Promise<T>, ms: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const winner = await Promise.race([work, timeout]);
    return winner === "timeout" ? await onTimeout() : (winner as T);
  } finally {
    clearTimeout(timer);
  }
}
