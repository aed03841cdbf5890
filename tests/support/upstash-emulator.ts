// An in-memory Upstash Redis behind msw, speaking its REST protocol: a JSON command array posted
// to the base URL (or arrays of them to /pipeline and /multi-exec), Bearer auth, answers
// `{ result }` / `{ error }`, and base64-encoded strings when the client asks for them.
// @upstash/ratelimit's fixed-window script is run by its SHA, as Upstash would after a load.
import { createHash } from "node:crypto";
import { delay, http, HttpResponse } from "msw";
import { blockSlots, confirmSlot, formatSlots, parseSlots, reserveSlot, SLOTS_SCRIPT, SLOTS_TTL_MS } from "../../lib/platform/kv/slots.js";

export const TEST_UPSTASH_URL = "https://test-kv.upstash.io";
export const TEST_UPSTASH_TOKEN = "upstash-test-token";
// The records pace's script (lib/platform/kv/slots.ts) runs as its TypeScript twin, atomically, as a
// script does on Upstash.
const SLOTS_SHA = createHash("sha1").update(SLOTS_SCRIPT).digest("hex");
// SHA1 of @upstash/ratelimit's single-region fixedWindow limit script.
const FIXED_WINDOW_SHA = "b2efc02798c8e9b471a10f9b1d5745db89923ff3";

type Value = { kind: "string"; value: string } | { kind: "zset"; members: Map<string, number> };

export function upstashEmulator(options: { url?: string; token?: string; now?: () => number } = {}) {
  const url = options.url ?? TEST_UPSTASH_URL;
  const token = options.token ?? TEST_UPSTASH_TOKEN;
  const now = options.now ?? (() => Date.now());
  const data = new Map<string, { entry: Value; expiresAt: number | null }>();
  const commands: string[][] = [];
  let down = false;
  let latencyMs = 0;

  const live = (key: string) => {
    const item = data.get(key);
    if (item && item.expiresAt !== null && item.expiresAt <= now()) {
      data.delete(key);
      return undefined;
    }
    return item;
  };
  const str = (key: string) => {
    const item = live(key);
    if (item && item.entry.kind !== "string") throw new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
    return item as { entry: { kind: "string"; value: string }; expiresAt: number | null } | undefined;
  };
  const zset = (key: string, create = false) => {
    const item = live(key);
    if (item && item.entry.kind !== "zset") throw new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
    if (!item && create) {
      const fresh = { entry: { kind: "zset" as const, members: new Map<string, number>() }, expiresAt: null };
      data.set(key, fresh);
      return fresh.entry.members;
    }
    return (item?.entry as { members: Map<string, number> } | undefined)?.members;
  };
  const score = (s: string) => (s === "-inf" ? -Infinity : s === "+inf" ? Infinity : Number(s));

  function incrBy(key: string, by: number): number {
    const item = str(key);
    const next = Number(item?.entry.value ?? 0) + by;
    data.set(key, { entry: { kind: "string", value: String(next) }, expiresAt: item?.expiresAt ?? null });
    return next;
  }

  function run(command: string[]): unknown {
    const [name = "", ...args] = command.map(String);
    commands.push([name.toLowerCase(), ...args]);
    switch (name.toLowerCase()) {
      case "ping":
        return "PONG";
      case "get":
        return str(args[0]!)?.entry.value ?? null;
      case "set": {
        const [key, value, ...flags] = args as [string, string, ...string[]];
        const upper = flags.map((f) => f.toUpperCase());
        if (upper.includes("NX") && live(key)) return null;
        if (upper.includes("XX") && !live(key)) return null;
        let expiresAt: number | null = null;
        const ex = upper.indexOf("EX");
        const px = upper.indexOf("PX");
        if (ex >= 0) expiresAt = now() + Number(flags[ex + 1]) * 1000;
        if (px >= 0) expiresAt = now() + Number(flags[px + 1]);
        data.set(key, { entry: { kind: "string", value }, expiresAt });
        return "OK";
      }
      case "del":
        return args.filter((key) => live(key) && data.delete(key)).length;
      case "incr":
        return incrBy(args[0]!, 1);
      case "incrby":
        return incrBy(args[0]!, Number(args[1]));
      case "expire":
      case "pexpire": {
        const item = live(args[0]!);
        if (!item) return 0;
        item.expiresAt = now() + Number(args[1]) * (name.toLowerCase() === "expire" ? 1000 : 1);
        return 1;
      }
      case "ttl":
      case "pttl": {
        const item = live(args[0]!);
        if (!item) return -2;
        if (item.expiresAt === null) return -1;
        const ms = item.expiresAt - now();
        return name.toLowerCase() === "ttl" ? Math.ceil(ms / 1000) : ms;
      }
      case "zadd": {
        const members = zset(args[0]!, true)!;
        let added = 0;
        for (let i = 1; i + 1 < args.length; i += 2) {
          if (!members.has(args[i + 1]!)) added++;
          members.set(args[i + 1]!, Number(args[i]));
        }
        return added;
      }
      case "zrem": {
        const members = zset(args[0]!);
        return args.slice(1).filter((m) => members?.delete(m)).length;
      }
      case "zremrangebyscore": {
        const members = zset(args[0]!);
        let removed = 0;
        for (const [member, s] of [...(members?.entries() ?? [])]) {
          if (s >= score(args[1]!) && s <= score(args[2]!)) removed += members!.delete(member) ? 1 : 0;
        }
        return removed;
      }
      case "zcard":
        return zset(args[0]!)?.size ?? 0;
      case "zrange": {
        const [key, min, max, ...rest] = args as [string, string, string, ...string[]];
        const upper = rest.map((r) => r.toUpperCase());
        if (!upper.includes("BYSCORE")) throw new Error("ERR emulator supports ZRANGE ... BYSCORE only");
        let sorted = [...(zset(key)?.entries() ?? [])]
          .filter(([, s]) => s >= score(min) && s <= score(max))
          .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
          .map(([m]) => m);
        const limit = upper.indexOf("LIMIT");
        if (limit >= 0) sorted = sorted.slice(Number(rest[limit + 1]), Number(rest[limit + 1]) + Number(rest[limit + 2]));
        return sorted;
      }
      case "eval":
      case "evalsha": {
        const sha = name.toLowerCase() === "eval" ? createHash("sha1").update(args[0]!).digest("hex") : args[0]!;
        if (sha === SLOTS_SHA) return runSlots(args.slice(2));
        if (name.toLowerCase() === "eval") throw new Error("ERR emulator runs only the scripts it knows");
        const [, numKeys, ...rest] = args as [string, string, ...string[]];
        if (sha !== FIXED_WINDOW_SHA) throw new Error("NOSCRIPT No matching script. Please use EVAL.");
        const keys = rest.slice(0, Number(numKeys));
        const [tokens, window, incrementBy] = rest.slice(Number(numKeys));
        const count = incrBy(keys[0]!, Number(incrementBy));
        if (count === Number(incrementBy)) live(keys[0]!)!.expiresAt = now() + Number(window);
        return [count, Number(tokens)];
      }
      default:
        throw new Error(`ERR unknown command '${name}'`);
    }
  }

  /** ARGV after the one key: op, now, then the op's arguments (see SLOTS_SCRIPT). */
  function runSlots([key, op, nowArg, ...rest]: string[]): number[] {
    const state = parseSlots(str(key!)?.entry.value ?? null);
    const store = (next: ReturnType<typeof parseSlots>) =>
      data.set(key!, { entry: { kind: "string", value: formatSlots(next) }, expiresAt: now() + SLOTS_TTL_MS });
    if (op === "confirm") {
      store(confirmSlot(state, Number(rest[0]), Number(rest[1])));
      return [1, Number(nowArg), state.lockedUntil];
    }
    if (op === "block") {
      const next = blockSlots(state, Number(rest[0]));
      store(next);
      return [1, Number(nowArg), next.lockedUntil];
    }
    const [limit, windowMs, maxWaitMs, lockNow, lateMs] = rest.map(Number) as [number, number, number, number, number];
    const { state: next, result } = reserveSlot(state, { limit, windowMs, maxWaitMs, now: Number(nowArg), lockNow, lateMs });
    if (result.ok) store(next);
    return [result.ok ? 1 : 0, result.at, result.lockedUntil];
  }

  const encode = (value: unknown, base64: boolean): unknown => {
    if (!base64) return value;
    if (typeof value === "string") return value === "OK" ? value : Buffer.from(value).toString("base64");
    if (Array.isArray(value)) return value.map((v) => encode(v, base64));
    return value;
  };

  function answer(command: string[], base64: boolean): { result?: unknown; error?: string } {
    try {
      return { result: encode(run(command), base64) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  const guard = (request: Request) => {
    if (down) return HttpResponse.json({ error: "Service Unavailable" }, { status: 503 });
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return HttpResponse.json({ error: "WRONGPASS invalid or missing auth token" }, { status: 401 });
    }
    return null;
  };
  const wantsBase64 = (request: Request) => request.headers.get("upstash-encoding") === "base64";

  const handlers = [
    http.post(`${url}/pipeline`, async ({ request }) => {
      if (latencyMs) await delay(latencyMs);
      const denied = guard(request);
      if (denied) return denied;
      const batch = (await request.json()) as string[][];
      return HttpResponse.json(batch.map((command) => answer(command, wantsBase64(request))));
    }),
    http.post(`${url}/multi-exec`, async ({ request }) => {
      if (latencyMs) await delay(latencyMs);
      const denied = guard(request);
      if (denied) return denied;
      const batch = (await request.json()) as string[][];
      return HttpResponse.json(batch.map((command) => answer(command, wantsBase64(request))));
    }),
    http.post(url, async ({ request }) => {
      if (latencyMs) await delay(latencyMs);
      const denied = guard(request);
      if (denied) return denied;
      const reply = answer((await request.json()) as string[], wantsBase64(request));
      return HttpResponse.json(reply, { status: reply.error ? 400 : 200 });
    }),
  ];

  return {
    handlers,
    commands,
    keys: () => [...data.keys()].filter((key) => live(key)),
    /** Every key and value held, expired or not, zset members included: what a byte search reads. */
    dump: () =>
      JSON.stringify(
        [...data].map(([key, item]) => [
          key,
          item.entry.kind === "zset" ? [...(item.entry as { members: Map<string, number> }).members.keys()] : item.entry,
        ]),
      ),
    get: (key: string) => str(key)?.entry.value ?? null,
    ttlSeconds: (key: string) => {
      const item = live(key);
      return item?.expiresAt ? Math.ceil((item.expiresAt - now()) / 1000) : null;
    },
    setDown(value: boolean) {
      down = value;
    },
    /** Answer every request after this many milliseconds (a slow network). */
    setLatency(ms: number) {
      latencyMs = ms;
    },
  };
}
