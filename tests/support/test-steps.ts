// The step kind the outbox's own tests queue: any payload, declared as a test kind, so the
// product's registry (lib/delivery/drain.ts stepHandlers) is not asked to handle it.
declare module "../../lib/platform/outbox/steps.js" {
  interface TestStepPayloads {
    "test.step": unknown;
  }
}
export {};
