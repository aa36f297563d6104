// OSC 52: a program in the box (tmux, vim, `printf '\e]52;c;…'`) asks the terminal to put
// text on the learner's clipboard. Output from the box is untrusted, so this is off until
// the learner turns it on (the "Box may copy" switch, remembered in this browser). Reading
// the clipboard (an OSC 52 query) is never answered: the box never sees the clipboard.
import type { Terminal } from "@xterm/xterm";
import { readStored, writeStored } from "./storage.ts";

const STORAGE_KEY = "shiplab.osc52";
/** Larger payloads are dropped: nobody copies megabytes from a terminal on purpose. */
const MAX_TEXT_BYTES = 256 * 1024;

export function clipboardAllowed(): boolean {
  return readStored(STORAGE_KEY) === "on";
}

export function setClipboardAllowed(on: boolean): void {
  writeStored(STORAGE_KEY, on ? "on" : null);
}

/** The text an OSC 52 write carries, or undefined for a query, a bad payload or too much. */
export function osc52Text(data: string): string | undefined {
  const semicolon = data.indexOf(";");
  if (semicolon < 0) return undefined;
  const payload = data.slice(semicolon + 1);
  if (payload === "?" || payload.length > (MAX_TEXT_BYTES * 4) / 3 + 4) return undefined;
  try {
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Takes every OSC 52 sequence out of xterm's hands. When the learner allows it, a write
 * puts its text on the clipboard and `onCopied` says so; otherwise it is dropped.
 */
export function installClipboardBridge(term: Terminal, onCopied: () => void): void {
  term.parser.registerOscHandler(52, (data) => {
    // Read each time: the switch (in this tab or another) may have changed since.
    if (!clipboardAllowed()) return true;
    const text = osc52Text(data);
    if (text !== undefined) {
      navigator.clipboard?.writeText(text).then(onCopied, () => undefined);
    }
    return true;
  });
}

/** Wires the page's switch to the stored choice. */
export function bindClipboardSwitch(input: HTMLInputElement): void {
  input.checked = clipboardAllowed();
  input.addEventListener("change", () => setClipboardAllowed(input.checked));
}
