// Registers (or updates) the Typeform webhook that points at /api/intake/typeform, enabled and
// signed with TYPEFORM_WEBHOOK_SECRET. Typeform creates webhooks disabled unless told otherwise.
import { z } from "zod";
import { defineConfig, urlFromEnv } from "../../platform/config/env.js";

export const typeformSetupConfig = defineConfig(
  "typeform-setup",
  z.object({
    TYPEFORM_TOKEN: z.string().min(1, "is required: a Typeform personal token with webhooks:write"),
    TYPEFORM_FORM_ID: z.string().min(1, "is required: the id in the form's URL"),
    TYPEFORM_WEBHOOK_SECRET: z.string().min(8, "is required: at least 8 characters"),
    PUBLIC_BASE_URL: z.url("is required: the deployment's public URL, e.g. https://healing.example.org"),
    TYPEFORM_API_BASE_URL: urlFromEnv("https://api.typeform.com"),
    TYPEFORM_WEBHOOK_TAG: z.string().default("healing-companion"),
  }),
);

interface WebhookArgs {
  uid: string;
  tag: string;
  url: string;
  enabled: boolean;
  secret: string;
  verifySSL: boolean;
}

interface TypeformClient {
  webhooks: {
    list(args: { uid: string }): Promise<{ items?: { tag: string }[] }>;
    create(args: WebhookArgs): Promise<unknown>;
    update(args: WebhookArgs): Promise<unknown>;
  };
}

export async function registerTypeformWebhook(print: (line: string) => void = console.log): Promise<"created" | "updated"> {
  const env = typeformSetupConfig.load();
  // Imported through a variable: the package ships a raw .ts file that strict TypeScript refuses,
  // so only the three calls used here are typed (TypeformClient).
  const specifier = "@typeform/api-client";
  const { createClient } = (await import(specifier)) as { createClient: (args: { token: string; apiBaseUrl: string }) => TypeformClient };
  const typeform = createClient({ token: env.TYPEFORM_TOKEN, apiBaseUrl: env.TYPEFORM_API_BASE_URL });
  const url = `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/api/intake/typeform`;
  const existing = await typeform.webhooks.list({ uid: env.TYPEFORM_FORM_ID });
  const found = (existing.items ?? []).some((hook) => hook.tag === env.TYPEFORM_WEBHOOK_TAG);
  const args = {
    uid: env.TYPEFORM_FORM_ID,
    tag: env.TYPEFORM_WEBHOOK_TAG,
    url,
    enabled: true,
    secret: env.TYPEFORM_WEBHOOK_SECRET,
    verifySSL: true,
  };
  await (found ? typeform.webhooks.update(args) : typeform.webhooks.create(args));
  print(
    `${found ? "Updated" : "Created"} webhook "${env.TYPEFORM_WEBHOOK_TAG}" on form ${env.TYPEFORM_FORM_ID} → ${url} (enabled, signed)`,
  );
  return found ? "updated" : "created";
}
