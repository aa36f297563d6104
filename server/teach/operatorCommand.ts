// What the operator's commands on the state database share (`teacher`, `export`): open the
// database of this Shiplab's settings, do the work, and turn a known refusal into one line
// on stderr and exit code 1 (anything else is a bug, and is thrown).
import type Database from "better-sqlite3";
import { loadConfig } from "../config.ts";
import { openStateDb, stateDbFile } from "../store/stateDb.ts";

type Refusal = abstract new (...args: never[]) => Error;

export async function onStateDb(refusals: Refusal[], work: (db: Database.Database) => Promise<void> | void): Promise<number> {
  const config = loadConfig();
  const db = openStateDb(stateDbFile(config.stateDir, config.instance));
  try {
    await work(db);
    return 0;
  } catch (err) {
    if (!refusals.some((r) => err instanceof r)) throw err;
    process.stderr.write(`shiplab: ${(err as Error).message}\n`);
    return 1;
  } finally {
    db.close();
  }
}
