// POST /api/reflection — store a milestone reflection, linked to the participant by Healing Name.
// It is assessed first, before validation of the other fields, the rate limiter or any store: at
// any level it is still saved (the person asked for that); at high or imminent the answer carries
// crisis resources and a safe reply, whatever else happens, and a Crisis Event is recorded
// (lib/reflections/endpoint.ts).
import { handle } from "../lib/platform/http/handler.js";
import { fileReflection } from "../lib/reflections/endpoint.js";

export async function POST(request: Request): Promise<Response> {
  return handle("reflection", () => fileReflection(request));
}
