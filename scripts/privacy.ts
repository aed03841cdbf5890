// npm run privacy -- export --healing-name X [--email E] | erase --healing-name X [--email E] | backfill-name-keys
//   | rotate-key [--reseal]
// The operator's side of a participant's data rights (lib/privacy); erasure runs through the outbox.
import { runScript } from "./run.js";
import { drainOutbox } from "../lib/delivery/drain.js";
import { kv } from "../lib/platform/kv/index.js";
import { backfillNameKeys } from "../lib/participants/repository.js";
import { resealConversations } from "../lib/companion/conversation.js";
import { exportParticipant } from "../lib/privacy/export.js";
import { currentKeyId, encryptionBackend, rotateKeyFile } from "../lib/privacy/seal.js";
import { requestErasure } from "../lib/privacy/erase.js";
import { records, withPaceWait } from "../lib/platform/records/index.js";

const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === "rotate-key") return rotateKey(process.argv.includes("--reseal"));
  const stores = { records: await records(), kv: await kv() };
  if (command === "backfill-name-keys") {
    console.log(JSON.stringify(await withPaceWait(10_000, () => backfillNameKeys(stores.records))));
    return;
  }
  const healingName = option("--healing-name");
  const email = option("--email")?.trim().toLowerCase();
  if ((command !== "export" && command !== "erase") || !healingName) {
    throw new Error(
      "Usage: npm run privacy -- export|erase --healing-name <name> [--email <email>] | backfill-name-keys | rotate-key [--reseal]",
    );
  }
  const requestedBy = `cli:${process.env.USER ?? "operator"}`;
  if (command === "export") {
    console.log(JSON.stringify(await withPaceWait(10_000, () => exportParticipant({ healingName, email, requestedBy }, stores)), null, 2));
    return;
  }
  const { requestId } = await withPaceWait(10_000, () => requestErasure({ healingName, email, requestedBy }, stores));
  const drained = await drainOutbox();
  console.log(`Erasure ${requestId} queued; drained ${drained.succeeded} steps. Follow it in Privacy Requests or with npm run outbox.`);
}

/**
 * A new data key becomes current (the local key file; keys from the environment are changed by the
 * operator, and the error says how); with --reseal every stored conversation is sealed under it.
 */
async function rotateKey(reseal: boolean): Promise<void> {
  if (encryptionBackend() !== "env" || !reseal) {
    const rotated = rotateKeyFile();
    console.log(
      `Data key rotated: ${rotated.keyId} is current (was ${rotated.previousKeyId}); older keys stay in ${rotated.file} to open what they sealed.`,
    );
  }
  if (!reseal) return;
  const counts = await resealConversations(await kv());
  console.log(
    `Re-sealed ${counts.resealed} conversations under key ${currentKeyId()}; ${counts.current} already were, ${counts.gone} had expired or been deleted, ${counts.changed} changed meanwhile (sealed under the current key by that write).`,
  );
}

runScript(main);
