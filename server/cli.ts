// `shiplab start | setup | image | …`: the operator's entry points (npm start runs `start`,
// npm run image builds the image docker-compose.yml runs).
import crypto from "node:crypto";
import path from "node:path";
import { describeSettings, loadConfig } from "./config.ts";
import { LessonCatalog } from "./lessons/catalog.ts";
import { runLessonSolutions } from "./lessons/solutionRunner.ts";
import { LESSONS_DIR } from "./paths.ts";
import { consoleLogger } from "./log.ts";
import { startShiplab } from "./main.ts";
import { exportCommand } from "./teach/exportCommand.ts";
import { teacherCommand } from "./teach/teacherCommand.ts";
import { provision } from "./provision/index.ts";
import { stopLabEngine } from "./provision/labEngine.ts";
import { buildServerImage } from "./provision/serverImage.ts";
import { SetupError } from "./provision/setupError.ts";
import { gradeCommand } from "./grade/gradeCommand.ts";

const log = consoleLogger();

/** Validates every lesson, then (unless noBoxes) runs every solution in a fresh real box. */
async function lessonsCheck(noBoxes: boolean): Promise<number> {
  const lessons = LessonCatalog.load(LESSONS_DIR);
  log.info(`${lessons.list().length} lessons, ${lessons.exercises().length} exercises: valid`);
  if (noBoxes) return 0;
  const config = loadConfig(process.env, { instance: "lessons-check", port: 0, bind: "127.0.0.1", warmPool: 0 });
  const host = await provision(config, log);
  const lab = await startShiplab(config, host, log);
  let failed = 0;
  try {
    for (const lesson of lessons.list()) {
      const outcomes = await runLessonSolutions(
        lesson,
        { sandbox: lab.sandbox, registryUrl: host.registry.url },
        crypto.randomBytes(8).toString("hex"),
      );
      for (const o of outcomes) {
        process.stdout.write(`${o.passed ? "PASS" : "FAIL"}  ${o.exerciseId}  ${o.message}\n`);
        if (!o.passed) {
          failed++;
          process.stdout.write(`${o.output.replace(/^/gm, "      ")}\n`);
        }
      }
    }
  } finally {
    await lab.dispose({ removeBoxes: true });
    host.registry.dispose();
  }
  process.stdout.write(`${lessons.exercises().length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/**
 * The first teacher account, made on this start. A generated password goes to the
 * terminal this once, never through the logger, and is stored only as a hash.
 */
function showFirstTeacher(first: { name: string; generatedPassword?: string }, url: string): void {
  if (!first.generatedPassword) {
    log.info(`teacher account "${first.name}" created with SHIPLAB_TEACHER_PASSWORD; log in at ${url}/teach/login`);
    return;
  }
  process.stdout.write(
    [
      "",
      "  ┌──────────────────────────────────────────────────────────────────────┐",
      `    Teacher account "${first.name}" created. Its one-time password is:`,
      "",
      `        ${first.generatedPassword}`,
      "",
      "    It is shown only now. Log in at " + `${url}/teach/login`,
      `    Lost it? npm run -s teacher reset ${first.name}`,
      "  └──────────────────────────────────────────────────────────────────────┘",
      "",
    ].join("\n") + "\n",
  );
}

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case "setup": {
      const config = loadConfig();
      const host = await provision(config, log);
      host.registry.dispose();
      log.info("set-up complete");
      return;
    }
    case "start": {
      const config = loadConfig();
      const done = log.step("setting up");
      const host = await provision(config, log);
      done();
      const lab = await startShiplab(config, host, log);
      if (lab.firstTeacher) showFirstTeacher(lab.firstTeacher, lab.url);
      log.info(`Shiplab is serving ${lab.url} (boxes: ${lab.sandbox.list().length} adopted; warm pool ${config.warmPool})`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        const removing = config.onStop === "remove";
        log.info(`${signal}: stopping; ${removing ? "removing running boxes and stopping Shiplab's engine (SHIPLAB_ON_STOP=remove)" : "running boxes are kept for the next start"}`);
        try {
          await lab.dispose({ removeBoxes: removing });
          host.registry.dispose();
          if (removing) await stopLabEngine(config.stateDir, log);
        } catch (err) {
          log.error(`stopping: ${(err as Error).message}`);
          process.exit(1);
        }
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
      return;
    }
    case "export":
      process.exitCode = await exportCommand(process.argv.slice(3));
      return;
    case "teacher":
      process.exitCode = await teacherCommand(process.argv.slice(3));
      return;
    case "image": {
      const args = process.argv.slice(3);
      const baseCache = args[0] === "--base-cache" && args.length === 2 ? path.resolve(args[1]) : undefined;
      if (args.length && !baseCache) {
        process.stderr.write("usage: shiplab image [--base-cache DIR]\n");
        process.exitCode = 2;
        return;
      }
      const config = loadConfig();
      const built = await buildServerImage({ workRoot: path.join(config.stateDir, "work"), baseCache, log });
      log.info(`built ${built.image} (on ${built.base}); run it with \`docker-compose up -d\``);
      return;
    }
    case "lessons:check":
      process.exitCode = await lessonsCheck(process.argv.slice(3).includes("--no-boxes"));
      return;
    case "grade":
      process.exitCode = await gradeCommand(process.argv.slice(3));
      return;
    default:
      process.stdout.write(`usage: shiplab start | setup | image [--base-cache DIR] | teacher add|reset NAME | lessons:check [--no-boxes] | grade --docker-host URL [--lesson ID] [--format json|junit|text] [--answers FILE] [--registry URL] [--lang en|zh-CN]\n\nsettings (environment variables):\n${describeSettings()}\n`);
      if (command && command !== "help") process.exitCode = 2;
  }
}

main(process.argv[2]).catch((err: Error) => {
  if (err instanceof SetupError || err.message.startsWith("Shiplab cannot start") || err.message.startsWith("Some lessons")) {
    log.error(err.message);
  } else {
    log.error(err.stack ?? String(err));
  }
  process.exit(1);
});
