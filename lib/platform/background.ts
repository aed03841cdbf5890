// Work that runs after the response (recording, alerts, opportunistic drains). On Vercel it is
// handed to waitUntil so the function stays alive for it; locally the promise simply runs. Every
// task is also tracked here so tests and the local runner can wait for them to settle.
import { waitUntil } from "@vercel/functions";
import { describeError, log } from "./log.js";

const pending = new Set<Promise<unknown>>();

export function runAfter(name: string, task: () => Promise<unknown>): void {
  const promise = Promise.resolve()
    .then(task)
    .catch((error: unknown) => log.warn("background.failed", { task: name, ...describeError(error) }))
    .finally(() => pending.delete(promise));
  pending.add(promise);
  waitUntil(promise);
}

/** Resolves once every background task started so far (and any they start) has finished. */
export async function settleBackground(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
