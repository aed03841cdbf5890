// npm run typeform:event -- [--name River] [--email river@example.org] — post a realistic
// Typeform intake to the local server (LOCAL_BASE_URL, default http://localhost:$PORT), signed with
// TYPEFORM_WEBHOOK_SECRET when it is set (locally the server accepts unsigned intakes without one).
import { localBaseUrl, parseOptions, participantFrom, signedTypeformRequest, typeformTestIntake } from "./local-events.js";
import { runScript } from "./run.js";

runScript(async () => {
  const { options } = parseOptions(process.argv.slice(2));
  const who = participantFrom(options);
  const payload = typeformTestIntake({ healingName: who.healingName, email: who.email, consent: options.consent !== "false" });
  const response = await fetch(signedTypeformRequest(localBaseUrl(), payload, process.env.TYPEFORM_WEBHOOK_SECRET?.trim()));
  console.log(`intake ${who.healingName} <${who.email}> → ${response.status} ${await response.text()}`);
  if (!response.ok) process.exitCode = 1;
});
