// npm run typeform:webhook — register or update the intake webhook on the Typeform form.
import { runScript } from "./run.js";
import { registerTypeformWebhook } from "../lib/vendors/typeform/setup.js";

async function main(): Promise<void> {
  await registerTypeformWebhook();
}

runScript(main);
