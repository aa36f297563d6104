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

/** The daemon event types checks react to (compose and the networking and volumes lessons need all four). */
export type EventType = "image" | "container" | "network" | "volume";

/**
 * What makes a check run again: a daemon event of a type, or "output": what a container
 * prints (a web server's access log) changes with no daemon event at all (a curl from the
 * box is invisible to the daemon), so the grader re-runs these checks every few seconds.
 */
export type Trigger = EventType | "output";

/** What only the box itself can tell (its processes), where there is a box. */
export interface BoxProbe {
  /** PIDs of dockerd as the learner sees them inside the box. */
  dockerdPids(): Promise<number[]>;
}

export interface CheckContext {
  /** The box's own daemon (never the host's). */
  docker: Docker;
  signal: AbortSignal;
  /** The learner's answer to an answer-type exercise (a string, or quiz choices by question id). */
  answer?: unknown;
  /** The lab registry's HTTP address as the server reaches it (for push checks). */
  registryUrl?: string;
  /** Absent when grading a daemon that is not a Shiplab box. */
  box?: BoxProbe;
  /**
   * In Shiplab, when this exercise's work began to count (ms since the epoch): the learner
   * opened its lesson, or a teacher reset it. Events before it were not done for this
   * exercise. Absent (the grade command): everything the daemon remembers counts.
   */
  since?: number;
  /**
   * In Shiplab, the learner's own namespace in the lab registry: only their pushes there
   * count. Absent (the grade command): any namespace.
   */
  namespace?: string;
  /** In Shiplab, containers made with --rm (their removal is not the learner's). */
  autoRemoved?: ReadonlySet<string>;
}

/** How the page asks for an answer, for answer-type kinds. */
export type AnswerForm =
  | { kind: "text" }
  | { kind: "quiz"; questions: { id: string; text: Localized; choices: Record<Lang, string[]> }[] };

export interface CheckKind<P = unknown> {
  kind: string;
  /** Daemon event types that can change this check's answer ("output": what containers print). */
  triggers: readonly Trigger[];
  /** Validates parameters from a lesson's front matter; throws a sentence when they are wrong. */
  parse(raw: Record<string, unknown>): P;
  run(ctx: CheckContext, params: P): Promise<CheckResult>;
  /** Present on kinds that judge an answer the learner types. */
  answerForm?(params: P): AnswerForm;
  /** Validates a submitted answer; throws a sentence when it is malformed. */
  parseAnswer?(params: P, raw: unknown): unknown;
}

/** Containers a lesson started itself (lesson setup): never the learner's work. */
export const LESSON_SETUP_LABEL = "shiplab.lesson-setup";

/**
 * Stopped containers a check creates for a moment to read an image's files (the archive
 * API needs a container): never the learner's work either.
 */
export const CHECK_PROBE_LABEL = "shiplab.check-probe";

/** Labels (of a container, or of its events) that mark it as Shiplab's, not the learner's. */
export function isLabOwned(labels: Record<string, string> | undefined): boolean {
  return Boolean(labels?.[LESSON_SETUP_LABEL] || labels?.[CHECK_PROBE_LABEL]);
}

export const msg = (en: string, zh: string): Localized => ({ en, "zh-CN": zh });

export class CheckParamError extends Error {}

/** A submitted answer that cannot be read; says why in every language. */
export class AnswerError extends Error {
  constructor(readonly text: Localized) {
    super(text.en);
  }
}
