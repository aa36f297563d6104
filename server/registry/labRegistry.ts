// The lab registry: Debian's CNCF Distribution (`docker-registry`) as a child process on
// loopback, storing on disk under the state folder. Boxes reach it through the LabGate.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../log.ts";
import { SetupError } from "../provision/setupError.ts";

export class LabRegistry {
  private child: ChildProcess | undefined;
  private disposed = false;
  readonly url: string;

  constructor(
    readonly dirPath: string,
    readonly port: number,
    private readonly log: Logger,
  ) {
    this.url = `http://127.0.0.1:${port}`;
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
    const configFile = path.join(this.dirPath, "config.yml");
    fs.writeFileSync(configFile, this.configText());
    const logFile = fs.openSync(path.join(this.dirPath, "registry.log"), "a");
    this.child = spawn("docker-registry", ["serve", configFile], { stdio: ["ignore", logFile, logFile] });
    fs.closeSync(logFile);
    this.child.on("exit", (code) => {
      if (!this.disposed) this.log.error(`the lab registry stopped (exit ${code}); see ${path.join(this.dirPath, "registry.log")}`);
    });
    const deadline = Date.now() + 15_000;
    while (!(await this.answers())) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new SetupError(`The lab registry did not start on ${this.url}: read ${path.join(this.dirPath, "registry.log")} (is port ${this.port} taken? set SHIPLAB_REGISTRY_PORT).`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async answers(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/v2/`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Tags of a repository, or [] when the registry does not hold it. */
  async tags(repository: string): Promise<string[]> {
    const res = await fetch(`${this.url}/v2/${repository}/tags/list`, { signal: AbortSignal.timeout(5000) });
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`lab registry answered ${res.status} for ${repository}`);
    const body = (await res.json()) as { tags?: string[] | null };
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
    this.child?.kill("SIGTERM");
    this.child = undefined;
  }
}
