// The page's language: ?lang= in the address, else what this browser remembers, else the
// browser's own. Small on purpose: the boot script (boot.ts) reads it before anything else loads.
import { isLang, type Lang } from "../server/protocol.ts";
import { readStored, writeStored } from "./storage.ts";

const STORAGE_KEY = "shiplab.lang";

/** Maps "zh", "zh-TW", "ZH_cn", "en-GB"… to a supported language, or undefined. */
export function normalizeLang(value: string | null | undefined): Lang | undefined {
  if (!value) return undefined;
  if (isLang(value)) return value;
  const lower = value.toLowerCase();
  if (lower.startsWith("zh")) return "zh-CN";
  if (lower.startsWith("en")) return "en";
  return undefined;
}

export function storeLang(lang: Lang): void {
  writeStored(STORAGE_KEY, lang);
}

/** ?lang= wins (and is remembered), then localStorage, then the browser's language. */
export function detectLang(): Lang {
  const fromQuery = normalizeLang(new URLSearchParams(location.search).get("lang"));
  if (fromQuery) {
    storeLang(fromQuery);
    return fromQuery;
  }
  const stored = normalizeLang(readStored(STORAGE_KEY));
  if (stored) return stored;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}
