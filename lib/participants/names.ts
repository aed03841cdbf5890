// Healing Names are unique case- and accent-insensitively: "River", "river" and "Ríver" are one
// participant. Every place that meets a name — intake, chat, reflections, consent, journeys,
// billing, crisis events — resolves it through `nameKey`, stored on Users as "Name Key" (indexed
// in the embedded store, a formula lookup on Airtable), by way of the participants repository
// (repository.ts), which also gives a newcomer whose chosen name is taken the first free variant
// ("River 2"), sent to Mailchimp as HNAME. This module is the rules alone, with no store.
import { hashKey } from "../platform/kv/index.js";

/** The comparison form of a name: accents and case folded, spaces collapsed. */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}

/** A stable stand-in for the participant in kv keys (never the name itself). */
export function participantKey(name: string): string {
  return hashKey(`name:${nameKey(name)}`);
}
