// Re-issuing a participant's personal link (`npm run participant:link`): every earlier link stops
// working, and when the participant has an email on file Mailchimp's CHATLINK is updated too, so
// later emails carry a link that works. Also the demo participant `npm start` prints a link for.
import { emitJourneyEvent } from "../journeys/journeys.js";
import type { Kv } from "../platform/kv/index.js";
import type { RecordsStore } from "../platform/records/index.js";
import { issueLink, type IssuedLink } from "./credentials.js";

export async function reissueLink(
  ctx: { records: RecordsStore; kv: Kv | null },
  input: { healingName: string; notify?: boolean },
): Promise<(IssuedLink & { emailQueued: boolean }) | null> {
  const issued = await issueLink(ctx, { healingName: input.healingName, reissue: true });
  if (!issued) return null;
  let emailQueued = false;
  if (input.notify !== false && ctx.kv) {
    const user = await ctx.records.get("Users", issued.recordId);
    const email = typeof user?.fields.Email === "string" ? user.fields.Email : "";
    if (email) {
      // Keyed by the token's expiry second: one update per re-issue, never a token in the outbox.
      emailQueued = await emitJourneyEvent(ctx.kv, {
        event: "participant.link_reissued",
        key: `reissue-${Date.parse(issued.expiresAt)}-${issued.recordId}`,
        healingName: issued.healingName,
        email,
      });
    }
  }
  return { ...issued, emailQueued };
}

export const DEMO_NAME = "Demo";

/** A link for the local demo participant (created on first use); keeps earlier demo links valid. */
export async function demoLink(ctx: { records: RecordsStore; kv: Kv | null }): Promise<IssuedLink> {
  return (await issueLink(ctx, { healingName: DEMO_NAME, create: true }))!;
}
