// npm run participant:link -- --healing-name River — re-issue a participant's personal link: every
// earlier link stops working, Mailchimp's CHATLINK is updated when an email is on file (on the next
// drain), and the new link is printed as the last line (for the operator to pass on; never logged).
import { parseArgs } from "node:util";
import { runScript } from "./run.js";
import { kv } from "../lib/platform/kv/index.js";
import { records } from "../lib/platform/records/index.js";
import { reissueLink } from "../lib/participants/reissue.js";
import { settleBackground } from "../lib/platform/background.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "healing-name": { type: "string" }, "no-email": { type: "boolean" } } });
  const name = values["healing-name"]?.trim();
  if (!name) throw new Error("Usage: npm run participant:link -- --healing-name <Healing Name> [--no-email]");
  const issued = await reissueLink(
    { records: await records(), kv: await kv().catch(() => null) },
    { healingName: name, notify: !values["no-email"] },
  );
  await settleBackground();
  if (!issued) throw new Error(`No participant has the Healing Name "${name}" (check the Users table).`);
  console.log(`Re-issued the personal link of ${issued.healingName}: every earlier link is refused from now on.`);
  console.log(
    `Valid until ${issued.expiresAt.slice(0, 10)}.${issued.emailQueued ? " Mailchimp's CHATLINK gets the new link on the next drain (npm run drain)." : ""}`,
  );
  console.log(issued.link);
}

runScript(main);
