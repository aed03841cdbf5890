// Crisis resources per country: the emergency number first, then crisis lines with how to reach
// them and when. Checked on 2026-11-22 against public pages about each service (the search tool's
// stored copies of the services' own announcements and national press); lines marked
// `verify: true` could only be checked against older material and need a human check of the
// service's own site before launch. Review this file at least twice a year: numbers change.
import { COUNTRY_CODE } from "../platform/text-rules.js";

export const RESOURCES_CHECKED_ON = "2026-11-22";

export interface CrisisLine {
  name: string;
  phone?: string;
  text?: string;
  chat?: string;
  url: string;
  hours: string;
  verify?: boolean;
}

export interface CountryResources {
  country: string;
  name: string;
  /** The number to call when life is in danger; null only for the international fallback. */
  emergency: string | null;
  lines: CrisisLine[];
}

const FIND_A_HELPLINE: CrisisLine = {
  name: "Find A Helpline (free, confidential lines in 130+ countries)",
  url: "https://findahelpline.com",
  hours: "directory, always available",
};

export const INTERNATIONAL: CountryResources = {
  country: "INTL",
  name: "International",
  emergency: null,
  lines: [FIND_A_HELPLINE],
};

export const RESOURCES: Record<string, CountryResources> = {
  US: {
    country: "US",
    name: "United States",
    emergency: "911",
    lines: [
      {
        name: "988 Suicide & Crisis Lifeline",
        phone: "988",
        text: "988",
        chat: "https://988lifeline.org/chat",
        url: "https://988lifeline.org",
        hours: "24/7",
      },
      { name: "Crisis Text Line", text: "Text HOME to 741741", url: "https://www.crisistextline.org", hours: "24/7" },
    ],
  },
  CA: {
    country: "CA",
    name: "Canada",
    emergency: "911",
    lines: [
      { name: "9-8-8 Suicide Crisis Helpline", phone: "988", text: "988", url: "https://988.ca", hours: "24/7" },
      { name: "Kids Help Phone", phone: "1-800-668-6868", text: "Text CONNECT to 686868", url: "https://kidshelpphone.ca", hours: "24/7" },
    ],
  },
  GB: {
    country: "GB",
    name: "United Kingdom",
    emergency: "999",
    lines: [
      { name: "Samaritans", phone: "116 123", url: "https://www.samaritans.org", hours: "24/7, free" },
      { name: "Shout", text: "Text SHOUT to 85258", url: "https://giveusashout.org", hours: "24/7" },
      { name: "NHS 111 (urgent mental health help in England: option 2)", phone: "111", url: "https://111.nhs.uk", hours: "24/7" },
    ],
  },
  IE: {
    country: "IE",
    name: "Ireland",
    emergency: "112 or 999",
    lines: [
      { name: "Samaritans Ireland", phone: "116 123", url: "https://www.samaritans.org/ireland", hours: "24/7, free" },
      { name: "Text About It (50808)", text: "Text HELLO to 50808", url: "https://text50808.ie", hours: "24/7, free" },
      { name: "Pieta", phone: "1800 247 247", text: "Text HELP to 51444", url: "https://www.pieta.ie", hours: "24/7", verify: true },
    ],
  },
  AU: {
    country: "AU",
    name: "Australia",
    emergency: "000",
    lines: [
      {
        name: "Lifeline",
        phone: "13 11 14",
        text: "0477 13 11 14",
        chat: "https://www.lifeline.org.au/crisis-chat/",
        url: "https://www.lifeline.org.au",
        hours: "24/7",
      },
      {
        name: "Suicide Call Back Service",
        phone: "1300 659 467",
        url: "https://www.suicidecallbackservice.org.au",
        hours: "24/7",
        verify: true,
      },
    ],
  },
  NZ: {
    country: "NZ",
    name: "New Zealand",
    emergency: "111",
    lines: [
      { name: "Need to talk? 1737", phone: "1737", text: "1737", url: "https://1737.org.nz", hours: "24/7, free" },
      { name: "Suicide Crisis Helpline", phone: "0508 828 865 (0508 TAUTOKO)", url: "https://www.lifeline.org.nz", hours: "24/7" },
      { name: "Lifeline Aotearoa", phone: "0800 543 354", text: "Text HELP to 4357", url: "https://www.lifeline.org.nz", hours: "24/7" },
    ],
  },
  IN: {
    country: "IN",
    name: "India",
    emergency: "112",
    lines: [
      {
        name: "Tele-MANAS (Government of India, 20+ languages)",
        phone: "14416 or 1-800-891-4416",
        url: "https://telemanas.mohfw.gov.in",
        hours: "24/7, free",
      },
      { name: "AASRA", phone: "+91-9820466726", url: "http://www.aasra.info", hours: "24/7", verify: true },
    ],
  },
  DE: {
    country: "DE",
    name: "Germany",
    emergency: "112",
    lines: [
      {
        name: "TelefonSeelsorge",
        phone: "0800 111 0 111, 0800 111 0 222 or 116 123",
        chat: "https://online.telefonseelsorge.de",
        url: "https://www.telefonseelsorge.de",
        hours: "24/7, free",
        verify: true,
      },
    ],
  },
  FR: {
    country: "FR",
    name: "France",
    emergency: "112 (SAMU: 15)",
    lines: [
      { name: "3114 — numéro national de prévention du suicide", phone: "3114", url: "https://3114.fr", hours: "24/7, free", verify: true },
      { name: "SOS Amitié", phone: "09 72 39 40 50", url: "https://www.sos-amitie.com", hours: "24/7", verify: true },
    ],
  },
  ES: {
    country: "ES",
    name: "Spain",
    emergency: "112",
    lines: [
      {
        name: "Línea 024 — atención a la conducta suicida",
        phone: "024",
        url: "https://www.sanidad.gob.es/linea024/",
        hours: "24/7, free",
        verify: true,
      },
      { name: "Teléfono de la Esperanza", phone: "717 003 717", url: "https://telefonodelaesperanza.org", hours: "24/7", verify: true },
    ],
  },
  NL: {
    country: "NL",
    name: "Netherlands",
    emergency: "112",
    lines: [
      {
        name: "113 Zelfmoordpreventie",
        phone: "113 or 0800-0113",
        chat: "https://www.113.nl",
        url: "https://www.113.nl",
        hours: "24/7, free",
        verify: true,
      },
    ],
  },
  ZA: {
    country: "ZA",
    name: "South Africa",
    emergency: "112 from a mobile (ambulance 10177, police 10111)",
    lines: [
      {
        name: "SADAG Suicide Crisis Helpline",
        phone: "0800 567 567",
        text: "SMS 31393 and a counsellor calls back",
        url: "https://www.sadag.org",
        hours: "24/7, free",
      },
      { name: "Cipla Mental Health Helpline (SADAG)", phone: "0800 456 789", url: "https://www.sadag.org", hours: "24/7, free" },
    ],
  },
};

/** Resources for a country code; anything unknown gets the international directory. */
export function resourcesFor(country: string): CountryResources {
  const known = RESOURCES[country.toUpperCase()];
  if (known) return { ...known, lines: [...known.lines, FIND_A_HELPLINE] };
  return { ...INTERNATIONAL, country: country.toUpperCase() };
}

/**
 * The participant's country: the body's `country`, then Vercel's `x-vercel-ip-country`, then the
 * region of the first Accept-Language tag that has one, then the configured default.
 */
/** A two-letter code in upper case; "UK", the common slip for the United Kingdom, is GB. */
function countryCode(code: string): string {
  const upper = code.toUpperCase();
  return upper === "UK" ? "GB" : upper;
}

export function resolveCountry(input: { bodyCountry?: string; headers: Headers; defaultCountry: string }): string {
  if (input.bodyCountry && COUNTRY_CODE.test(input.bodyCountry)) return countryCode(input.bodyCountry);
  const ip = input.headers.get("x-vercel-ip-country")?.trim();
  if (ip && COUNTRY_CODE.test(ip)) return ip.toUpperCase();
  for (const tag of (input.headers.get("accept-language") ?? "").split(",")) {
    const region = /^\s*[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(tag)?.[1];
    if (region) return region.toUpperCase();
  }
  return input.defaultCountry.toUpperCase();
}

let regionNames: Map<string, string> | undefined;

/** A country from a query parameter: a two-letter code in any case, or an English country name ("germany", "United Kingdom"). */
export function countryFromParam(value: string): string | undefined {
  const trimmed = value.trim();
  if (COUNTRY_CODE.test(trimmed)) return countryCode(trimmed);
  const key = fold(trimmed);
  if (!key || key.length > 60) return undefined;
  if (!regionNames) {
    regionNames = new Map();
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name && name !== code) regionNames.set(fold(name), code);
      }
    }
    for (const r of Object.values(RESOURCES)) regionNames.set(fold(r.name), r.country);
    regionNames.set("uk", "GB").set("usa", "US").set("america", "US").set("england", "GB").set("holland", "NL");
  }
  return regionNames.get(key);
}

function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}
