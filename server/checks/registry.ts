// Every check kind a lesson may name. Adding a kind = one file + one line here.
import { containerRan } from "./containerRan.ts";
import { imageFromScratch } from "./imageFromScratch.ts";
import type { CheckKind } from "./types.ts";

export const CHECK_KINDS: ReadonlyMap<string, CheckKind<any>> = new Map(
  [imageFromScratch, containerRan].map((k) => [k.kind, k]),
);
