// Process a provider's delivery at most once. The key is claimed in kv first (a duplicate answers
// 200 with no second effect); the work then makes its effects durable (outbox steps). If kv is
// unreachable, or the work fails before anything durable was written, the claim is released and
// the answer is 503 — providers retry that, and never disable a webhook for it.
import { ApiError } from "./http/errors.js";
import { kv, type Kv } from "./kv/index.js";
import { describeError, log, warnAndReturn } from "./log.js";

export async function processOnce<T>(
  claim: { key: string; ttlSeconds: number; name: string },
  work: (store: Kv) => Promise<T>,
): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
  const unavailable = (cause?: unknown) => new ApiError("service_unavailable", "Storage is unavailable; please retry.", {}, cause);
  const store = await kv().catch(warnAndReturn(`${claim.name}.kv_unavailable`, null));
  const first =
    store &&
    (await store.setIfAbsent(claim.key, "1", { ttlSeconds: claim.ttlSeconds }).catch(warnAndReturn(`${claim.name}.kv_unavailable`, null)));
  if (first === null || !store) throw unavailable();
  if (!first) return { duplicate: true };
  try {
    return { duplicate: false, result: await work(store) };
  } catch (error) {
    log.error(`${claim.name}.not_queued`, describeError(error));
    // Left in place, the claim makes the provider's retry look like a duplicate until it expires.
    await store.delete(claim.key).catch((cause: unknown) => log.error(`${claim.name}.claim_not_released`, describeError(cause)));
    throw unavailable(error);
  }
}
