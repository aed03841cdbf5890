// npm run backup [-- --out <dir>] [--include-key] — a snapshot of every store (lib/privacy/backup.ts):
// the embedded SQLite files through SQLite's online backup API, and Airtable's tables as JSON
// when Airtable is configured. Default directory: backups/<time>.
import { runScript } from "./run.js";
import { createBackup } from "../lib/privacy/backup.js";

const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function main(): Promise<void> {
  const out = option("--out") ?? `backups/${new Date().toISOString().replace(/[:.]/g, "-")}`;
  const manifest = await createBackup({ out, includeKey: process.argv.includes("--include-key") });
  console.log(`Snapshot written to ${out}`);
  console.log(`  SQLite: ${manifest.sqlite.join(", ") || "none (no embedded store in use)"}`);
  if (manifest.airtable)
    console.log(
      `  Airtable: ${Object.entries(manifest.airtable)
        .map(([table, n]) => `${table} ${n}`)
        .join(", ")}`,
    );
  console.log(`  data key: ${manifest.dataKey ? "included" : "not included"}`);
  for (const note of manifest.notes) console.log(`  ! ${note}`);
}

runScript(main);
