// Finds the Debian mirror this host already uses, so the box is built from the same
// place apt-get reaches (and no mirror's address is written into this repository).
import fs from "node:fs";
import path from "node:path";
import { SetupError } from "./setupError.ts";

export function parseSourcesList(text: string): string[] {
  const uris: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m && !m[2].includes("security")) uris.push(m[1]);
  }
  return uris;
}

/** deb822 `.sources` stanzas: URIs of stanzas that are `deb` and not security suites. */
export function parseDeb822(text: string): string[] {
  const uris: string[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, "mi").exec(stanza)?.[1].trim() ?? "";
    if (!field("Types").split(/\s+/).includes("deb")) continue;
    if (/security/.test(field("Suites"))) continue;
    if (/^no$/i.test(field("Enabled"))) continue;
    uris.push(...field("URIs").split(/\s+/).filter(Boolean));
  }
  return uris;
}

export function hostDebianMirror(etcApt = "/etc/apt"): string {
  const uris: string[] = [];
  const list = path.join(etcApt, "sources.list");
  if (fs.existsSync(list)) uris.push(...parseSourcesList(fs.readFileSync(list, "utf8")));
  const dir = path.join(etcApt, "sources.list.d");
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).sort()) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      if (f.endsWith(".sources")) uris.push(...parseDeb822(text));
      else if (f.endsWith(".list")) uris.push(...parseSourcesList(text));
    }
  }
  const mirror = uris.find((u) => /^https?:\/\//.test(u) && /\/debian\/?$/.test(u)) ?? uris.find((u) => /^https?:\/\//.test(u));
  if (!mirror) {
    throw new SetupError("Shiplab builds its box from Debian packages but found no Debian mirror in /etc/apt: add one to /etc/apt/sources.list and run `npm start` again.");
  }
  return mirror;
}
