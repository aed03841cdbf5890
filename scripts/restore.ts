// npm run restore -- <snapshot dir> — bring a snapshot's SQLite stores back into DATA_DIR, which
// must be empty (lib/privacy/backup.ts). Airtable's JSON export is for the operator to re-import by hand.
import { runScript } from "./run.js";
import { restoreBackup } from "../lib/privacy/backup.js";

async function main(): Promise<void> {
  const from = process.argv[2];
  if (!from || from.startsWith("--")) throw new Error("Usage: npm run restore -- <snapshot directory> (DATA_DIR must be empty)");
  const { dataDir, restored, manifest } = restoreBackup({ from });
  console.log(`Restored ${restored.join(", ") || "nothing"} from the snapshot of ${manifest.createdAt} into ${dataDir}.`);
  if (manifest.airtable)
    console.log(
      "  The snapshot's Airtable export (airtable/*.json) is not restored automatically: import it into a base by hand if needed.",
    );
  if (!manifest.dataKey)
    console.log(
      "  ! The snapshot has no data key: put the original data-key.json in the data directory (or set DATA_ENCRYPTION_KEY) to read the conversation turns.",
    );
}

runScript(main);
