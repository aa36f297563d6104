// The lab registry: Debian's CNCF Distribution (`docker-registry`) as a child process on
// loopback, storing on disk under the state folder. Boxes reach it through the LabGate.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../log.ts";
import { SetupError } from "../provision/setupError.ts";
import { registryRequest } from "./registryHttp.ts";

export class LabRegistry {
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  readonly url: string;

  /**
   * @param restartDelayMs how long after an unexpected exit the registry is started again
   *   (the gate tells pulling learners meanwhile that it is not answering).
   */
  constructor(
    readonly dirPath: string,
    readonly port: number,
    private readonly log: Logger,
    private readonly restartDelayMs = 1000,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** The registry process's pid, when this object started it (not when it shares another's). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Host-side reference for an image in this registry, e.g. 127.0.0.1:5000/library/busybox. */
  ref(repository: string): string {
    return `127.0.0.1:${this.port}/${repository}`;
  }

  async start(): Promise<void> {
    if (await this.answers()) {
      // Another Shiplab on this host already serves this port (for example `npm start`
      // while the tests run with the same port): share it rather than fail.
      this.log.info(`lab registry already answers on ${this.url}; using it`);
      return;
    }
    fs.mkdirSync(path.join(this.dirPath, "data"), { recursive: true });
    this.spawn();
    const deadline = Date.now() + 15_000;
    while (!(await this.answers())) {
      if (!this.child || this.child.exitCode !== null || Date.now() > deadline) {
        throw new SetupError(`The lab registry did not start on ${this.url}: read ${path.join(this.dirPath, "registry.log")} (is port ${this.port} taken? set SHIPLAB_REGISTRY_PORT).`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Starts the registry process, and starts it again whenever it dies on its own. */
  private spawn(): void {
    const configFile = path.join(this.dirPath, "config.yml");
    fs.writeFileSync(configFile, this.configText());
    const logFile = fs.openSync(path.join(this.dirPath, "registry.log"), "a");
    const child = spawn("docker-registry", ["serve", configFile], { stdio: ["ignore", logFile, logFile] });
    fs.closeSync(logFile);
    this.child = child;
    child.on("error", (err) => this.log.error(`could not run the lab registry: ${err.message}`));
    child.on("exit", (code, signal) => {
      if (this.disposed || this.child !== child) return;
      this.log.error(
        `the lab registry stopped (${signal ?? `exit ${code}`}); starting it again in ${this.restartDelayMs / 1000} s (its log: ${path.join(this.dirPath, "registry.log")})`,
      );
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.disposed) this.spawn();
      }, this.restartDelayMs);
    });
  }

  async answers(): Promise<boolean> {
    try {
      const res = await registryRequest(`${this.url}/v2/`, { timeoutMs: 1000 });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** Tags of a repository, or [] when the registry does not hold it. */
  async tags(repository: string): Promise<string[]> {
    const res = await registryRequest(`${this.url}/v2/${repository}/tags/list`, { timeoutMs: 5000 });
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`lab registry answered ${res.status} for ${repository}`);
    const body = JSON.parse(res.body) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  private configText(): string {
    return [
      "version: 0.1",
      "log:",
      "  level: warn",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${path.join(this.dirPath, "data")}`,
      "  delete:",
      "    enabled: true",
      "  cache:",
      "    blobdescriptor: inmemory",
      "http:",
      `  addr: 127.0.0.1:${this.port}`,
      "  headers:",
      "    X-Content-Type-Options: [nosniff]",
      "",
    ].join("\n");
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.child?.kill("SIGTERM");
    this.child = undefined;
  }
}
