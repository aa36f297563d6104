// Choices the learner makes, kept in this browser (localStorage). A browser that refuses
// storage (private mode, a sandboxed frame) keeps them for this page only.
const thisPageOnly = new Map<string, string>();

export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return thisPageOnly.get(key) ?? null;
  }
}

/** Stores `value` under `key`; null forgets it. */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    if (value === null) thisPageOnly.delete(key);
    else thisPageOnly.set(key, value);
  }
}
