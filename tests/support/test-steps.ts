// The step kind the outbox's own tests queue: any payload, registered like a feature's kinds.
declare module "../../lib/platform/outbox/steps.js" {
  interface StepPayloads {
    "test.step": unknown;
  }
}
export {};
