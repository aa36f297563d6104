// Every check kind a lesson may name. Adding a kind = one file + one line here.
import { answerFact } from "./answerFact.ts";
import { buildCacheReused } from "./buildCacheReused.ts";
import { builtImage } from "./builtImage.ts";
import { committedImage } from "./committedImage.ts";
import { composeDown } from "./composeDown.ts";
import { composeUp } from "./composeUp.ts";
import { bindMountReadOnly } from "./bindMountReadOnly.ts";
import { containerConfig } from "./containerConfig.ts";
import { containerHealthy } from "./containerHealthy.ts";
import { containerLifecycle } from "./containerLifecycle.ts";
import { containerRan } from "./containerRan.ts";
import { containersCleaned } from "./containersCleaned.ts";
import { fileInContainer } from "./fileInContainer.ts";
import { imageFromScratch } from "./imageFromScratch.ts";
import { imageLoaded } from "./imageLoaded.ts";
import { imagePulled } from "./imagePulled.ts";
import { imagesPruned } from "./imagesPruned.ts";
import { envPrinted } from "./envPrinted.ts";
import { limitsInForce } from "./limitsInForce.ts";
import { networkReachedByName } from "./networkReachedByName.ts";
import { publishedPortReached } from "./publishedPortReached.ts";
import { quiz } from "./quiz.ts";
import { registryPushed, registryRepulled } from "./registryImage.ts";
import { restartedByPolicy } from "./restartedByPolicy.ts";
import { volumeOutlived } from "./volumeOutlived.ts";
import { CheckParamError, msg, type CheckKind, type Trigger } from "./types.ts";

interface AllOfParams {
  checks: { kind: CheckKind<unknown>; params: unknown }[];
}

/** Passes when every one of its checks passes; says why the first failing one fails. */
const allOf: CheckKind<AllOfParams> = {
  kind: "all-of",
  get triggers(): readonly Trigger[] {
    return ["image", "container", "network", "volume", "output"];
  },
  parse(raw) {
    if (!Array.isArray(raw.checks) || raw.checks.length === 0) throw new CheckParamError("checks must be a non-empty list");
    return { checks: (raw.checks as Record<string, unknown>[]).map((c) => parseCheck(c)) };
  },
  async run(ctx, p) {
    let attempted = false;
    for (const c of p.checks) {
      const r = await c.kind.run(ctx, c.params);
      if (!r.passed) return { ...r, attempted: attempted || r.attempted !== false };
      attempted = true;
    }
    return { passed: true, message: msg("All done.", "全部完成。") };
  },
};

export const CHECK_KINDS: ReadonlyMap<string, CheckKind<any>> = new Map(
  [
    imageFromScratch,
    containerRan,
    imagePulled,
    containerConfig,
    fileInContainer,
    containerLifecycle,
    containersCleaned,
    answerFact,
    quiz,
    registryPushed,
    registryRepulled,
    builtImage,
    buildCacheReused,
    committedImage,
    imageLoaded,
    imagesPruned,
    publishedPortReached,
    networkReachedByName,
    volumeOutlived,
    bindMountReadOnly,
    envPrinted,
    restartedByPolicy,
    containerHealthy,
    limitsInForce,
    composeUp,
    composeDown,
    allOf,
  ].map(
    (k) => [k.kind, k],
  ),
);

/** `{ kind, ...params }` from a lesson → the kind and its validated parameters. */
export function parseCheck(raw: Record<string, unknown>): { kind: CheckKind<unknown>; params: unknown } {
  const kind = CHECK_KINDS.get(String(raw?.kind));
  if (!kind) throw new CheckParamError(`unknown check kind ${String(raw?.kind)} (known: ${[...CHECK_KINDS.keys()].join(", ")})`);
  const { kind: _k, ...params } = raw;
  return { kind, params: kind.parse(params) };
}
