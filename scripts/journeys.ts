// npm run journeys — what the email journeys would have sent, when Mailchimp is not configured.
import { runScript } from "./run.js";
import { journeyLog } from "../lib/journeys/journeys.js";
import { kv } from "../lib/platform/kv/index.js";
import { mailchimpBackend } from "../lib/vendors/mailchimp/mailchimp.js";

async function main(): Promise<void> {
  if (mailchimpBackend() === "mailchimp") console.log("Mailchimp is configured: actions go to Mailchimp, not to this log.");
  const entries = await journeyLog(await kv(), 500);
  if (!entries.length) console.log("The journey log is empty (run `npm run drain` if steps are pending).");
  for (const { at, action, event, healingName, email, ...detail } of entries) {
    delete detail.key;
    console.log(
      `${String(at).slice(0, 19)}  ${String(event).padEnd(28)} ${String(action).padEnd(8)} ${String(healingName)} <${String(email)}> ${JSON.stringify(detail)}`,
    );
  }
}

runScript(main);
