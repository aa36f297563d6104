// A check is a small plug-in: it looks at a box's own Docker daemon and says whether an
// exercise is done, and why (in every language the page speaks).
import type Docker from "dockerode";
import type { Lang } from "../protocol.ts";

export type Localized = Record<Lang, string>;

export interface CheckResult {
  passed: boolean;
  message: Localized;
  /** False when the learner has not tried yet (nothing to judge): the exercise stays pending. */
  attempted?: boolean;
}

export type EventType = "image" | "container";

export interface CheckContext {
  /** The box's own daemon (never the host's). */
  docker: Docker;
  signal: AbortSignal;
}

export interface CheckKind<P = unknown> {
  kind: string;
  /** Daemon event types that can change this check's answer. */
  triggers: readonly EventType[];
  /** Validates parameters from a lesson's front matter; throws a sentence when they are wrong. */
  parse(raw: Record<string, unknown>): P;
  run(ctx: CheckContext, params: P): Promise<CheckResult>;
}

export const msg = (en: string, zh: string): Localized => ({ en, "zh-CN": zh });

export class CheckParamError extends Error {}
