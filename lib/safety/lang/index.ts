// The supported languages. Adding one is a new module here plus its tests (tests/safety/lang/).
import { de } from "./de.js";
import { en } from "./en.js";
import { es } from "./es.js";
import { fr } from "./fr.js";
import { it } from "./it.js";
import { nl } from "./nl.js";
import { pt } from "./pt.js";
import type { Language } from "./types.js";

export const LANGUAGES: readonly Language[] = [en, es, fr, de, it, pt, nl];

export const languageByCode = (code: string): Language | undefined => LANGUAGES.find((l) => l.code === code);
