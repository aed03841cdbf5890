// npm run stripe:event -- <type> [--name River] [--email river@example.org] [--customer cus_…]
// [--subscription sub_…] — sign a realistic Stripe test event with STRIPE_WEBHOOK_SECRET and post
// it to the local server (LOCAL_BASE_URL, default http://localhost:$PORT), as Stripe would.
import { HANDLED_EVENTS } from "../lib/billing/billing.js";
import { localBaseUrl, parseOptions, participantFrom, signedStripeRequest, stripeTestEvent, type StripeEventType } from "./local-events.js";
import { runScript } from "./run.js";

runScript(async () => {
  const { positional, options } = parseOptions(process.argv.slice(2));
  const type = positional[0] as StripeEventType | undefined;
  if (!type || !(HANDLED_EVENTS as readonly string[]).includes(type)) {
    throw new Error(`Usage: npm run stripe:event -- <type> [--name River] [--email …]\nTypes: ${HANDLED_EVENTS.join(", ")}`);
  }
  const secret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!secret) {
    throw new Error("Set STRIPE_WEBHOOK_SECRET (any whsec_… value, e.g. whsec_local_dev) in .env, then restart npm start so both use it.");
  }
  const event = stripeTestEvent(type, participantFrom(options));
  const response = await fetch(signedStripeRequest(localBaseUrl(), event, secret));
  console.log(`${type} ${event.id} → ${response.status} ${await response.text()}`);
  if (!response.ok) process.exitCode = 1;
});
