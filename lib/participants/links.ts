// Personal links inside email journeys: a merge field mapped to `chatLink` (CHATLINK by default, on
// the welcome email) gets the participant's link when the Mailchimp step is sent. It is minted at
// that moment, so no token ever waits in the outbox; minting again (a retried step) keeps earlier
// links valid. The local journey log shows where the link goes, never the token.
import type { Kv } from "../platform/kv/index.js";
import type { RecordsStore } from "../platform/records/index.js";
import { issueLink, linkBaseUrl } from "./credentials.js";

export async function withChatLink(
  payload: { healingName: string; mergeFields: Record<string, string>; linkFields?: string[] },
  ctx: { records: RecordsStore; kv: Kv | null },
  options: { logOnly?: boolean } = {},
): Promise<Record<string, string>> {
  if (!payload.linkFields?.length) return payload.mergeFields;
  const link = options.logOnly
    ? `${linkBaseUrl()}/?p=[personal token: not logged; npm run participant:link prints one]`
    : (await issueLink(ctx, { healingName: payload.healingName, create: true }))!.link;
  return { ...payload.mergeFields, ...Object.fromEntries(payload.linkFields.map((field) => [field, link])) };
}
