import { describe, expect, it } from "vitest";
import { log } from "../../lib/platform/log.js";
import { capturedLogs } from "../support/logs.js";

function lastLine(): Record<string, unknown> {
  return JSON.parse(capturedLogs.at(-1)!) as Record<string, unknown>;
}

describe("log", () => {
  it.each([
    ["info", () => log.info("chat.screened", { level: "high", conversationId: "c1" })],
    ["error", () => log.error("crisis.unrecorded", { level: "imminent", eventId: "e1" })],
  ])("keeps the log level %s when a field is named level, and keeps the field", (level, write) => {
    write();
    const line = lastLine();
    expect(line.level).toBe(level);
    expect(line.field_level).toEqual(expect.stringMatching(/high|imminent/));
  });

  it("never lets a field replace the event name or the time", () => {
    log.info("request", { event: "forged", time: "yesterday" });
    const line = lastLine();
    expect(line).toMatchObject({ level: "info", event: "request", field_event: "forged", field_time: "yesterday" });
    expect(Date.parse(String(line.time))).not.toBeNaN();
  });

  it("still redacts free-text fields", () => {
    log.warn("x", { message: "quiet secret" });
    expect(lastLine().message).toBe("[redacted]");
  });
});
