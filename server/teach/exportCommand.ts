// `shiplab export --class CODE [--format csv|json]`: a class's grades on stdout, the same
// file the dashboard's export gives, for a script or a gradebook import.
import { LessonCatalog } from "../lessons/catalog.ts";
import { LESSONS_DIR } from "../paths.ts";
import { SqliteClassStore } from "../store/classStore.ts";
import { ClassError, Classes } from "./classes.ts";
import { gradeExport, gradesCsv } from "./gradeExport.ts";
import { onStateDb } from "./operatorCommand.ts";

export async function exportCommand(args: string[]): Promise<number> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const code = value("--class");
  const format = value("--format") ?? "csv";
  if (!code || (format !== "csv" && format !== "json")) {
    process.stderr.write("usage: shiplab export --class CODE [--format csv|json]\n");
    return 2;
  }
  return onStateDb([ClassError], (db) => {
    const classes = new Classes(new SqliteClassStore(db), LessonCatalog.load(LESSONS_DIR));
    const grades = gradeExport(classes.gridForOperator(code));
    process.stdout.write(format === "json" ? `${JSON.stringify(grades, null, 2)}\n` : gradesCsv(grades));
  });
}
