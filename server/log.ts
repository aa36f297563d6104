// A tiny logger: one line per event, with the time since start, so long set-up shows progress.
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** A long step begins; returns a function that reports it done with its duration. */
  step(msg: string): () => void;
}

const started = Date.now();
const stamp = () => `[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s]`;

export function consoleLogger(prefix = "shiplab", quiet = false): Logger {
  const out = (stream: NodeJS.WriteStream, msg: string) => {
    if (!quiet) stream.write(`${stamp()} ${prefix}: ${msg}\n`);
  };
  return {
    info: (msg) => out(process.stdout, msg),
    warn: (msg) => out(process.stderr, `warning: ${msg}`),
    error: (msg) => out(process.stderr, `error: ${msg}`),
    step(msg) {
      const t0 = Date.now();
      out(process.stdout, `${msg} …`);
      return () => out(process.stdout, `${msg}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    },
  };
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  step: () => () => {},
};
