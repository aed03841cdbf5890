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

export type StepKind = keyof StepPayloads;

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
