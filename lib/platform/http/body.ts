// Reads a JSON request body: content type checked, size capped while streaming (a lying or
// missing Content-Length cannot get past the cap), then parsed and validated with zod.
import type { z } from "zod";
import { ApiError } from "./errors.js";

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Read the raw body as text, refusing anything past `limit` bytes with 413. */
export async function readText(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Best effort: the answer is 413 whether or not the rest of the upload can be cancelled.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

/** Read and parse a JSON body; 415 for another content type, 400 for malformed JSON. */
export async function readJson(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with 'content-type: application/json'.");
  }
  const text = await readText(request, limit);
  if (text.trim() === "") throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
}

/** Validate a parsed body; zod errors become 422 naming the fields, never echoing their values. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
  throw new ApiError("unprocessable_entity", `Invalid request body — ${detail}`);
}

function tooLarge(limit: number): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${Math.round(limit / 1024)} KB.`);
}
