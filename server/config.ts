// One typed table of every setting, read once from the environment, validated with
// messages an operator can act on, then frozen. Nothing else reads process.env.
import path from "node:path";

export interface Config {
  /** TCP port of the web page and the terminal socket. */
  port: number;
  /** Address the web server binds to. */
  bind: string;
  /** Where Shiplab keeps its state: SQLite file, registry storage, per-box disks. */
  stateDir: string;
  /** Name of this Shiplab; every box, network and volume is labelled with it. */
  instance: string;
  /** Loopback port of the lab registry process. */
  registryPort: number;
  /** Per-box limits. */
  boxMemoryBytes: number;
  boxCpus: number;
  boxPids: number;
  /** Everything a box writes (its root file system, its daemon's images and containers). */
  boxDiskBytes: number;
  /** Size of the sparse disk of Shiplab's own engine: every box's data together. */
  engineDiskBytes: number;
  /** OCI runtime of boxes (runc, or sysbox-runc where installed, for stronger isolation). */
  boxRuntime: string;
  /** A box with no open terminal is removed after this long. */
  idleTimeoutMs: number;
  /** Every box is removed this long after it was created. */
  maxLifetimeMs: number;
  /** Ready boxes kept waiting for new learners. */
  warmPool: number;
  boxStarts: number;
  /** A dropped terminal keeps its shell and output this long for a reconnect. */
  reconnectGraceMs: number;
  /** Secret that signs the learner cookie; generated into stateDir when unset. */
  secret: string | undefined;
  /** Password of the first teacher account ("teacher"), used once when no teacher exists yet. */
  teacherPassword: string | undefined;
  /** Extra origins allowed to open the terminal socket (the page's own origin always is). */
  allowedOrigins: string[];
  /**
   * What stopping the server does: "keep" leaves boxes and Shiplab's engine running for the
   * next start; "remove" removes the boxes (their network and firewall rules too) and stops
   * the engine. Shiplab's container image sets "remove": nothing in a container outlives it.
   */
  onStop: "keep" | "remove";
  /** Set by the test suite: every Docker object is labelled shiplab.test=<this run>. */
  testRun: string | undefined;
}

type Parser<T> = (raw: string, name: string) => T;

class ConfigError extends Error {}

const int = (min: number, max: number): Parser<number> => (raw, name) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}=${raw} is not a whole number from ${min} to ${max}.`);
  }
  return n;
};

const positive: Parser<number> = (raw, name) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name}=${raw} must be a number above 0.`);
  return n;
};

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** "512m", "2g", "1073741824" → bytes. */
export const bytes: Parser<number> = (raw, name) => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(`${name}=${raw} is not a size; write it like 512m or 2g.`);
  return Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
};

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** "90s", "15m", "4h", "250ms" → milliseconds. */
export const duration: Parser<number> = (raw, name) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  if (!m) throw new ConfigError(`${name}=${raw} is not a duration; write it like 90s, 15m or 4h.`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]]);
};

const text: Parser<string> = (raw) => raw;
const name: Parser<string> = (raw, key) => {
  if (!/^[a-z0-9][a-z0-9-]{0,15}$/.test(raw)) {
    throw new ConfigError(`${key}=${raw} must be 1-16 lower-case letters, digits or dashes.`);
  }
  return raw;
};
const list: Parser<string[]> = (raw) => raw.split(",").map((s) => s.trim()).filter(Boolean);
const oneOf = <T extends string>(...values: T[]): Parser<T> => (raw, key) => {
  if (!(values as string[]).includes(raw)) throw new ConfigError(`${key}=${raw} must be one of: ${values.join(", ")}.`);
  return raw as T;
};

interface Setting<K extends keyof Config> {
  env: string;
  describe: string;
  parse: Parser<Config[K]>;
  default: string | undefined;
}

export const SETTINGS: { [K in keyof Config]: Setting<K> } = {
  port: { env: "PORT", describe: "port of the web page", parse: int(0, 65535), default: "3000" },
  bind: { env: "SHIPLAB_BIND", describe: "address the web server listens on", parse: text, default: "0.0.0.0" },
  stateDir: {
    env: "SHIPLAB_STATE_DIR",
    describe: "folder for Shiplab's state",
    parse: (raw) => path.resolve(raw),
    default: "/var/lib/shiplab",
  },
  instance: { env: "SHIPLAB_INSTANCE", describe: "name that labels this Shiplab's boxes", parse: name, default: "main" },
  registryPort: { env: "SHIPLAB_REGISTRY_PORT", describe: "loopback port of the lab registry", parse: int(1, 65535), default: "5000" },
  boxMemoryBytes: { env: "SHIPLAB_BOX_MEMORY", describe: "memory limit of each box", parse: bytes, default: "1g" },
  boxCpus: { env: "SHIPLAB_BOX_CPUS", describe: "CPU limit of each box (cores)", parse: positive, default: "1" },
  boxPids: { env: "SHIPLAB_BOX_PIDS", describe: "process limit of each box", parse: int(64, 1_000_000), default: "1024" },
  boxDiskBytes: { env: "SHIPLAB_BOX_DISK", describe: "disk of each box (everything it writes)", parse: bytes, default: "8g" },
  engineDiskBytes: { env: "SHIPLAB_ENGINE_DISK", describe: "sparse disk of Shiplab's engine (all boxes)", parse: bytes, default: "100g" },
  boxRuntime: { env: "SHIPLAB_BOX_RUNTIME", describe: "OCI runtime of boxes", parse: text, default: "runc" },
  idleTimeoutMs: { env: "SHIPLAB_IDLE_TIMEOUT", describe: "remove a box with no terminal open after", parse: duration, default: "20m" },
  maxLifetimeMs: { env: "SHIPLAB_MAX_LIFETIME", describe: "remove every box this long after creation", parse: duration, default: "4h" },
  warmPool: { env: "SHIPLAB_WARM_POOL", describe: "ready boxes kept for new learners", parse: int(0, 100), default: "1" },
  boxStarts: { env: "SHIPLAB_BOX_STARTS", describe: "boxes started at once at most (learners first)", parse: int(1, 64), default: "4" },
  reconnectGraceMs: { env: "SHIPLAB_RECONNECT_GRACE", describe: "keep a dropped terminal's shell for", parse: duration, default: "5m" },
  secret: { env: "SHIPLAB_SECRET", describe: "secret that signs learner cookies", parse: text, default: undefined },
  teacherPassword: { env: "SHIPLAB_TEACHER_PASSWORD", describe: "first teacher's password (else one is printed once)", parse: text, default: undefined },
  allowedOrigins: { env: "SHIPLAB_ALLOWED_ORIGINS", describe: "extra origins for the terminal socket", parse: list, default: "" },
  onStop: { env: "SHIPLAB_ON_STOP", describe: "on stop, keep boxes and engine up, or remove them", parse: oneOf("keep", "remove"), default: "keep" },
  testRun: { env: "SHIPLAB_TEST_RUN", describe: "test run id (labels Docker objects shiplab.test)", parse: text, default: undefined },
};

/** Reads the settings from `env` (process.env by default), throwing one message per bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [keyof Config, Setting<keyof Config>][]) {
    if (key in overrides) {
      out[key] = overrides[key];
      continue;
    }
    const raw = env[setting.env] ?? setting.default;
    if (raw === undefined) {
      out[key] = undefined;
      continue;
    }
    try {
      out[key] = setting.parse(raw, setting.env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length) {
    throw new Error(`Shiplab cannot start: ${problems.join(" ")}`);
  }
  return Object.freeze(out as unknown as Config);
}

/** The settings table as text, for `shiplab help`. */
export function describeSettings(): string {
  return Object.values(SETTINGS)
    .map((s) => `  ${s.env.padEnd(26)} ${s.describe}${s.default ? ` (default ${s.default})` : ""}`)
    .join("\n");
}
