// `shiplab teacher add|reset NAME`: a new teacher, or a new password, printed this once.
import { SqliteTeacherStore } from "../store/teacherStore.ts";
import { onStateDb } from "./operatorCommand.ts";
import { TeacherAccounts, TeacherError } from "./teacherAccounts.ts";

export async function teacherCommand(args: string[]): Promise<number> {
  const [action, name] = args;
  if ((action !== "add" && action !== "reset") || !name) {
    process.stderr.write("usage: shiplab teacher add NAME | shiplab teacher reset NAME\n");
    return 2;
  }
  return onStateDb([TeacherError], async (db) => {
    const accounts = new TeacherAccounts(new SqliteTeacherStore(db));
    const password = action === "add" ? await accounts.add(name) : await accounts.reset(name);
    process.stdout.write(`${action === "add" ? "Teacher added" : "Password reset"}: ${name}\nOne-time password (shown only now): ${password}\n`);
  });
}
