// The outbox's own vocabulary for how a step attempt ended, and the one place that turns an
// error into a decision. Vendors and stores map their errors onto it: an error either is a
// RetryableStepError / PermanentStepError, or carries a `stepVerdict` (the records store's
// RecordsError does), so the outbox never needs to know any vendor's error types.

/** What to do with a step whose attempt failed. */
export type StepVerdict =
  /** Nothing was sent (a shared pace had no slot, or the vendor locked us out): back at `retryAfterMs`, not counted as an attempt. */
  | { kind: "pacing"; retryAfterMs: number }
  /** Worth trying again later (an outage, a timeout, a 429/5xx), no sooner than `retryAfterMs`. */
  | { kind: "retry"; retryAfterMs?: number }
  /** Retrying cannot fix it (a refused request, a malformed payload): parked as failed at once. */
  | { kind: "permanent" };

/** A failure worth retrying; `pacing` when nothing was sent at all. */
export class RetryableStepError extends Error {
  override readonly name = "RetryableStepError";
  readonly code = "RETRYABLE";
  constructor(
    message: string,
    readonly options: { retryAfterMs?: number; pacing?: boolean } = {},
  ) {
    super(message);
  }
}

/** A failure that retrying cannot fix (a refused request): the step is parked as failed at once. */
export class PermanentStepError extends Error {
  override readonly name = "PermanentStepError";
  readonly code = "PERMANENT";
}

/**
 * A vendor's verdict that the step finished without doing its work and will not retry (Mailchimp's
 * "Member In Compliance State"). Thrown from wire code; a handler returns `{ outcome }` instead.
 */
export class FinalOutcome extends Error {
  override readonly name = "FinalOutcome";
}

/** An error type that knows what the outbox should do with it (implemented by RecordsError). */
export interface ClassifiedError {
  readonly stepVerdict: StepVerdict;
}

function hasVerdict(error: unknown): error is ClassifiedError {
  return typeof error === "object" && error !== null && "stepVerdict" in error;
}

/**
 * A bug or a payload of the wrong shape, not an outage: retrying cannot fix it, so the step goes
 * to the failed steps at once instead of coming back on every drain for days. fetch reports a
 * network failure as a TypeError too ("fetch failed", with a cause): that one stays retryable.
 */
export function isProgrammingError(error: unknown): boolean {
  if (error instanceof TypeError) return error.message !== "fetch failed" && error.cause === undefined;
  return error instanceof ReferenceError || error instanceof RangeError;
}

/** The one classification of a failed attempt. Unknown errors (a network error from an SDK) are retried. */
export function verdictFor(error: unknown): StepVerdict {
  if (error instanceof PermanentStepError || error instanceof FinalOutcome || isProgrammingError(error)) return { kind: "permanent" };
  if (error instanceof RetryableStepError) {
    return error.options.pacing
      ? { kind: "pacing", retryAfterMs: error.options.retryAfterMs ?? 1000 }
      : { kind: "retry", retryAfterMs: error.options.retryAfterMs };
  }
  if (hasVerdict(error)) return error.stepVerdict;
  return { kind: "retry" };
}
