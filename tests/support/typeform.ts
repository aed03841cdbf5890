// Signed Typeform fixtures, built the way Typeform signs them.
import { createHmac } from "node:crypto";

export const TYPEFORM_SECRET = "typeform-test-secret";

export function intakePayload(
  overrides: { token?: string; email?: string | null; healingName?: string | null; hidden?: Record<string, string> } = {},
) {
  const answers: Record<string, unknown>[] = [];
  if (overrides.healingName !== null)
    answers.push({ type: "text", text: overrides.healingName ?? "River", field: { id: "f1", ref: "healing_name", type: "short_text" } });
  if (overrides.email !== null)
    answers.push({ type: "email", email: overrides.email ?? "River@Example.org", field: { id: "f2", ref: "email", type: "email" } });
  answers.push(
    { type: "boolean", boolean: true, field: { id: "f3", ref: "consent", type: "yes_no" } },
    {
      type: "choices",
      choices: { labels: ["Better sleep", "More energy"] },
      field: { id: "f4", ref: "healing_goals", type: "multiple_choice" },
    },
    { type: "choice", choice: { label: "Some" }, field: { id: "f5", ref: "fasting_experience", type: "multiple_choice" } },
  );
  return {
    event_id: `evt-${overrides.token ?? "tok1"}`,
    event_type: "form_response",
    form_response: {
      form_id: "FORM1",
      token: overrides.token ?? "tok1",
      submitted_at: "2026-11-20T10:00:00Z",
      hidden: overrides.hidden ?? {},
      definition: { id: "FORM1", title: "Intake", fields: [] },
      answers,
    },
  };
}

export function typeformSignature(raw: string, secret = TYPEFORM_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(raw).digest("base64")}`;
}

export function signedIntake(raw: string, secret = TYPEFORM_SECRET): Request {
  return new Request("http://localhost/api/intake/typeform", {
    method: "POST",
    headers: { "content-type": "application/json", "typeform-signature": typeformSignature(raw, secret) },
    body: raw,
  });
}
