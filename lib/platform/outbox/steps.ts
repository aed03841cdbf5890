// The registry of step kinds: one TypeScript map from each kind to its payload type, so that
// `enqueue(kv, { kind, payload })` and a kind's handler are checked against the same type. The
// platform declares the map empty; each feature adds its own kinds next to its handler with
// declaration merging (no import from the platform back into a feature):
//
//   declare module "../platform/outbox/steps.js" {
//     interface StepPayloads { "reflection.write": ReflectionPayload }
//   }

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in each feature
export interface StepPayloads {}

/**
 * Kinds that only tests queue (the outbox's own tests), declared the same way. They may be
 * enqueued and drained, but the product's registry (lib/delivery) need not handle them, so that
 * registry can be checked for completeness: a product kind without a handler does not compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging in tests
export interface TestStepPayloads {}

export type StepKind = keyof StepPayloads | keyof TestStepPayloads;

/** A kind's payload type, whichever map declares it. */
export type PayloadOf<K extends StepKind> = K extends keyof StepPayloads
  ? StepPayloads[K]
  : K extends keyof TestStepPayloads
    ? TestStepPayloads[K]
    : never;

/** How a handler reports a step that finished without doing its work (returned, never thrown). */
export type StepResult =
  /** Done. `outcome` tells the operator how it ended when that is worth telling ("member in compliance state"). */
  | { done: true; outcome?: string }
  /**
   * Cannot run yet because something it needs has not arrived (a milestone before the intake gave
   * an email): tried again with backoff, not counted against the attempt limit, until
   * `giveUpAfterMs` from the step's creation; then it finishes with `outcome`.
   */
  | { notReady: string; giveUpAfterMs: number; outcome: string };

export const DONE: StepResult = { done: true };
