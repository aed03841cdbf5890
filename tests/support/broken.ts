// Stores whose every call fails, for proving a path depends on nothing that can fail.
import { KvError, type Kv } from "../../lib/platform/kv/index.js";
import { RecordsError, type RecordsStore } from "../../lib/platform/records/index.js";

function failing<T extends object>(backend: string, error: () => Error): T {
  return new Proxy({} as T, {
    get: (_target, prop) => {
      if (prop === "backend") return backend;
      if (prop === "then") return undefined;
      return () => Promise.reject(error());
    },
  });
}

export const brokenKv = (): Kv => failing<Kv>("upstash", () => new KvError("kv is down"));
export const brokenRecords = (): RecordsStore =>
  failing<RecordsStore>("airtable", () => new RecordsError("UNAVAILABLE", "records are down"));
