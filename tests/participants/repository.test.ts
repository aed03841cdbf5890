// The participants repository (lib/participants/repository.ts): the one lookup from a Healing Name
// to its Users record, with the record id cached in kv. Every feature resolves names through it,
// so personal links find the participant whatever the spelling, as chat and reflections do.
import { describe, expect, it } from "vitest";
import { issueLink, revokeParticipantTokens } from "../../lib/participants/credentials.js";
import { reissueLink } from "../../lib/participants/reissue.js";
import { findUserByName, resolveUsers, userCacheKey } from "../../lib/participants/repository.js";
import { kv } from "../../lib/platform/kv/index.js";
import { records } from "../../lib/platform/records/index.js";

const healingNames = async () => (await (await records()).list("Users")).map((u) => u.fields["Healing Name"]);

describe("the participants repository", () => {
  it("creates one Users record for every spelling of a name, keeps the registered spelling, and caches the id", async () => {
    const ctx = { records: await records(), kv: await kv() };
    const first = await resolveUsers(["River", "rívER"], ctx);
    const id = first.get("River")!.id;
    expect(first.get("rívER")).toMatchObject({ id, name: "River" });
    expect(await healingNames()).toEqual(["River"]);
    expect(JSON.parse((await ctx.kv.get(userCacheKey("RIVER")))!)).toEqual({ id, name: "River" });

    // The cached id answers the next lookup: with the row gone, nothing is created in its place.
    await ctx.records.delete("Users", [id]);
    expect((await resolveUsers(["river"], ctx)).get("river")).toEqual({ id, name: "River" });
    expect(await healingNames()).toEqual([]);
  });

  it("finds without creating, by any spelling", async () => {
    const ctx = { records: await records(), kv: await kv() };
    expect(await findUserByName(ctx.records, "Ash")).toBeUndefined();
    const id = (await resolveUsers(["Ash"], ctx)).get("Ash")!.id;
    expect((await findUserByName(ctx.records, "ÁSH"))?.id).toBe(id);
    expect(await healingNames()).toEqual(["Ash"]);
  });

  it("issues, revokes and re-issues a personal link for the participant whatever the spelling", async () => {
    const ctx = { records: await records(), kv: await kv() };
    const id = (await resolveUsers(["Willow"], ctx)).get("Willow")!.id;
    const issued = await issueLink(ctx, { healingName: "WÍLLOW" });
    expect(issued).toMatchObject({ recordId: id, healingName: "Willow" });
    expect(await revokeParticipantTokens(ctx, { healingName: "willow" })).toBe(true);
    expect(await reissueLink(ctx, { healingName: "willow", notify: false })).toMatchObject({ recordId: id, healingName: "Willow" });
    expect(await issueLink(ctx, { healingName: "Nobody" })).toBeNull();
    expect(await healingNames()).toEqual(["Willow"]);
  });
});
