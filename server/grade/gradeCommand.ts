// `shiplab grade --docker-host URL …`: argument parsing and output for the headless
// grader. Exit 0 only when every exercise passed; 1 when some did not; 2 when the
// command could not grade at all (bad arguments, daemon unreachable) — with one sentence
// on stderr, never a stack trace.
import { parseArgs } from "node:util";
import { LessonCatalog } from "../lessons/catalog.ts";
import { LESSONS_DIR } from "../paths.ts";
import { LANGS, type Lang } from "../protocol.ts";
import { dockerFromHost, UsageError } from "./dockerHost.ts";
import { grade, readAnswers } from "./grade.ts";
import { toJson, toJunit, toText } from "./report.ts";

const FORMATS = { json: toJson, junit: toJunit, text: toText } as const;

export async function gradeCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          "docker-host": { type: "string" },
          lesson: { type: "string" },
          format: { type: "string", default: "text" },
          answers: { type: "string" },
          registry: { type: "string" },
          lang: { type: "string", default: "en" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const host = values["docker-host"];
    if (!host) throw new UsageError("--docker-host is required, e.g. --docker-host unix:///var/run/docker.sock or tcp://127.0.0.1:2375");
    const format = values.format as keyof typeof FORMATS;
    if (!(format in FORMATS)) throw new UsageError(`--format ${values.format} is not one of json, junit, text`);
    const lang = values.lang as Lang;
    if (!LANGS.includes(lang)) throw new UsageError(`--lang ${values.lang} is not one of ${LANGS.join(", ")}`);
    if (values.registry !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(values.registry)) {
      throw new UsageError(`--registry ${values.registry} is not like http://127.0.0.1:5000`);
    }
    const docker = dockerFromHost(host);
    try {
      await docker.ping();
    } catch (e) {
      throw new UsageError(`no Docker daemon answers at ${host} (${(e as Error).message}): is it running, and is the address right?`);
    }
    const report = await grade({
      docker,
      lessons: LessonCatalog.load(LESSONS_DIR),
      lessonId: values.lesson,
      answers: values.answers ? readAnswers(values.answers) : undefined,
      registryUrl: values.registry?.replace(/\/$/, ""),
      lang,
    });
    out.write(FORMATS[format](report));
    return report.passed === report.total ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`shiplab grade: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
