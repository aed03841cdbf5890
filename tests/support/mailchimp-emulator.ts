// Mailchimp Marketing behind msw: members keyed by md5(lower-cased email), `status_if_new`
// honoured, "Member In Compliance State" for people who unsubscribed, tags, Customer Journey
// triggers (members only), problem+json errors, and the 10-concurrent-connection limit (429).
import { createHash } from "node:crypto";
import { http, HttpResponse } from "msw";
import { useEnv } from "./env.js";

export const TEST_MAILCHIMP_URL = "https://mailchimp.test/3.0";
export const TEST_MAILCHIMP_KEY = "0123456789abcdef-us21";
export const TEST_LIST_ID = "list123";

interface Member {
  email: string;
  status: string;
  mergeFields: Record<string, string>;
  tags: Set<string>;
}

export function mailchimpEmulator() {
  const members = new Map<string, Member>();
  const upserts: Record<string, unknown>[] = [];
  const tagCalls: { hash: string; tags: { name: string; status: string }[] }[] = [];
  const triggers: { journeyId: string; stepId: string; email: string }[] = [];
  /** Permanently deleted members' hashes: Mailchimp refuses to re-import them. */
  const forgotten = new Set<string>();
  const deletions: string[] = [];
  let active = 0;
  let maxActive = 0;
  let failures = 0;
  let failStatus = 500;
  let delayMs = 0;

  const problem = (status: number, title: string, detail: string) =>
    HttpResponse.json(
      { type: "https://mailchimp.com/developer/marketing/docs/errors/", title, status, detail, instance: "test" },
      { status, headers: { "content-type": "application/problem+json" } },
    );

  async function gate(request: Request, work: () => Promise<Response>): Promise<Response> {
    const auth = request.headers.get("authorization") ?? "";
    const decoded = Buffer.from(auth.replace(/^Basic /, ""), "base64").toString();
    if (!decoded.endsWith(`:${TEST_MAILCHIMP_KEY}`)) return problem(401, "API Key Invalid", "Your API key may be invalid.");
    if (active >= 10) return problem(429, "Too Many Requests", "You have more than 10 simultaneous connections.");
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      await new Promise((resolve) => setTimeout(resolve, delayMs || 5));
      if (failures > 0) {
        failures--;
        return problem(failStatus, "Internal Server Error", "An unexpected internal error has occurred.");
      }
      return await work();
    } finally {
      active--;
    }
  }

  const handlers = [
    http.get(`${TEST_MAILCHIMP_URL}/ping`, ({ request }) =>
      gate(request, async () => HttpResponse.json({ health_status: "Everything's Chimpy!" })),
    ),
    http.put(`${TEST_MAILCHIMP_URL}/lists/:list/members/:hash`, ({ request, params }) =>
      gate(request, async () => {
        const body = (await request.json()) as {
          email_address: string;
          status_if_new?: string;
          status?: string;
          merge_fields?: Record<string, string>;
        };
        if (params.list !== TEST_LIST_ID) return problem(404, "Resource Not Found", "The requested resource could not be found.");
        const hash = createHash("md5").update(body.email_address.toLowerCase()).digest("hex");
        if (hash !== params.hash) return problem(400, "Invalid Resource", "The subscriber hash does not match the email.");
        const existing = members.get(hash);
        if (!existing && forgotten.has(hash)) {
          return problem(
            400,
            "Forgotten Email Not Subscribed",
            `${body.email_address} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
          );
        }
        if (existing && (existing.status === "unsubscribed" || existing.status === "cleaned") && !body.status) {
          return problem(
            400,
            "Member In Compliance State",
            `${body.email_address} is already a list member in compliance state due to unsubscribe.`,
          );
        }
        upserts.push(body);
        const member: Member = existing ?? {
          email: body.email_address,
          status: body.status ?? body.status_if_new ?? "subscribed",
          mergeFields: {},
          tags: new Set(),
        };
        if (body.status) member.status = body.status;
        Object.assign(member.mergeFields, body.merge_fields ?? {});
        members.set(hash, member);
        return HttpResponse.json({ id: hash, email_address: member.email, status: member.status, merge_fields: member.mergeFields });
      }),
    ),
    http.get(`${TEST_MAILCHIMP_URL}/lists/:list/members/:hash`, ({ request, params }) =>
      gate(request, async () => {
        const member = params.list === TEST_LIST_ID ? members.get(String(params.hash)) : undefined;
        if (!member) return problem(404, "Resource Not Found", "The requested resource could not be found.");
        return HttpResponse.json({
          id: params.hash,
          email_address: member.email,
          status: member.status,
          merge_fields: member.mergeFields,
          tags_count: member.tags.size,
        });
      }),
    ),
    http.get(`${TEST_MAILCHIMP_URL}/lists/:list/members/:hash/tags`, ({ request, params }) =>
      gate(request, async () => {
        const member = params.list === TEST_LIST_ID ? members.get(String(params.hash)) : undefined;
        if (!member) return problem(404, "Resource Not Found", "The requested resource could not be found.");
        return HttpResponse.json({
          tags: [...member.tags].map((name, i) => ({ id: i + 1, name, date_added: "2026-11-20T10:00:00+00:00" })),
          total_items: member.tags.size,
        });
      }),
    ),
    http.post(`${TEST_MAILCHIMP_URL}/lists/:list/members/:hash/actions/delete-permanent`, ({ request, params }) =>
      gate(request, async () => {
        const hash = String(params.hash);
        if (params.list !== TEST_LIST_ID || !members.has(hash))
          return problem(404, "Resource Not Found", "The requested resource could not be found.");
        members.delete(hash);
        forgotten.add(hash);
        deletions.push(hash);
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.post(`${TEST_MAILCHIMP_URL}/lists/:list/members/:hash/tags`, ({ request, params }) =>
      gate(request, async () => {
        const member = members.get(String(params.hash));
        if (!member) return problem(404, "Resource Not Found", "The requested resource could not be found.");
        const body = (await request.json()) as { tags: { name: string; status: string }[] };
        tagCalls.push({ hash: String(params.hash), tags: body.tags });
        for (const tag of body.tags) {
          if (tag.status === "active") member.tags.add(tag.name);
          else member.tags.delete(tag.name);
        }
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.post(`${TEST_MAILCHIMP_URL}/customer-journeys/journeys/:journey/steps/:step/actions/trigger`, ({ request, params }) =>
      gate(request, async () => {
        const body = (await request.json()) as { email_address: string };
        const member = members.get(createHash("md5").update(body.email_address.toLowerCase()).digest("hex"));
        if (!member || member.status !== "subscribed") return problem(400, "Bad Request", "The contact must be a subscribed member.");
        triggers.push({ journeyId: String(params.journey), stepId: String(params.step), email: body.email_address });
        return new HttpResponse(null, { status: 204 });
      }),
    ),
  ];

  return {
    handlers,
    members,
    upserts,
    tagCalls,
    triggers,
    deletions,
    get maxActive() {
      return maxActive;
    },
    /** The next `count` requests fail with `status`. */
    fail(count: number, status = 500) {
      failures = count;
      failStatus = status;
    },
    slow(ms: number) {
      delayMs = ms;
    },
    /** A member as Mailchimp holds it (tags as a list), or undefined. */
    member(email: string) {
      const found = members.get(createHash("md5").update(email.toLowerCase()).digest("hex"));
      return found && { ...found, tags: [...found.tags] };
    },
    unsubscribe(email: string) {
      const hash = createHash("md5").update(email.toLowerCase()).digest("hex");
      members.set(hash, { email, status: "unsubscribed", mergeFields: {}, tags: new Set() });
    },
  };
}

export function useMailchimpEnv(): void {
  useEnv({ MAILCHIMP_API_KEY: TEST_MAILCHIMP_KEY, MAILCHIMP_LIST_ID: TEST_LIST_ID, MAILCHIMP_BASE_URL: TEST_MAILCHIMP_URL });
}
