// Who delivers queued steps. Enqueueing is always the outbox's (a step in kv, with an id, so
// queuing twice is harmless); delivery is behind this interface so it can change hands. The
// embedded default (lib/delivery/drain.ts) drains kv from the cron, after responses and briefly
// inside webhooks. At scale a queue service takes over: docs/ARCHITECTURE.md ("Delivery at scale")
// describes an Upstash QStash or Vercel Queues dispatcher.
export interface StepDispatcher {
  readonly name: string;
  /** After the response: deliver what is due, if no one else is delivering. Never throws. */
  soon(): void;
  /** Inside a webhook: start delivering the new steps, and return within `ms` whatever happens. */
  briefly(ms: number): Promise<void>;
  /** Deliver these steps now, whatever their due time (a crisis record and its alert). */
  now(ids: string[]): Promise<void>;
}
