// The one SQLite file that holds what Shiplab must not lose: progress, answers, teachers.
// WAL mode (crash-safe, readers never wait for the writer) and numbered migrations: each
// runs once, in a transaction, and PRAGMA user_version records how far a file has come,
// so a file made by an older Shiplab is brought up to date on open.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** Each entry is one migration; never edit or reorder a released one, only append. */
export const MIGRATIONS: readonly string[] = [
  // 1: progress and answers (the tables of the first Shiplab, which had no user_version).
  `CREATE TABLE IF NOT EXISTS progress (
     learner TEXT NOT NULL,
     exercise TEXT NOT NULL,
     status TEXT NOT NULL,
     message TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (learner, exercise)
   );
   CREATE TABLE IF NOT EXISTS answers (
     learner TEXT NOT NULL,
     exercise TEXT NOT NULL,
     answer TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (learner, exercise)
   );`,
  // 2: teacher accounts. The password is an scrypt hash with its parameters and salt.
  `CREATE TABLE teachers (
     name TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     password_set_at INTEGER NOT NULL
   );`,
  // 3: classes and who joined them. A learner (the cookie's id) is in one class at most;
  // display names are unique within a class whatever their case; recovery codes are
  // stored as SHA-256 hashes (they are long random strings, so no salt or stretching).
  `CREATE TABLE classes (
     code TEXT PRIMARY KEY,
     teacher TEXT NOT NULL REFERENCES teachers (name),
     name TEXT NOT NULL,
     lessons TEXT NOT NULL,
     ends_at INTEGER,
     max_learners INTEGER,
     created_at INTEGER NOT NULL,
     ended_at INTEGER
   );
   CREATE INDEX classes_by_teacher ON classes (teacher);
   CREATE TABLE class_members (
     learner TEXT PRIMARY KEY,
     class_code TEXT NOT NULL REFERENCES classes (code),
     display_name TEXT NOT NULL,
     recovery_hash TEXT NOT NULL UNIQUE,
     joined_at INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX class_members_name ON class_members (class_code, lower(display_name));
   ALTER TABLE progress ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
  // 4: when each learner first opened each lesson, and when a teacher reset an exercise:
  // only what a learner did after that counts for the lesson's exercises.
  `CREATE TABLE lesson_opens (
     learner TEXT NOT NULL,
     lesson TEXT NOT NULL,
     opened_at INTEGER NOT NULL,
     PRIMARY KEY (learner, lesson)
   );
   CREATE TABLE exercise_resets (
     learner TEXT NOT NULL,
     exercise TEXT NOT NULL,
     reset_at INTEGER NOT NULL,
     PRIMARY KEY (learner, exercise)
   );`,
];

/** Brings a database up to the last migration; returns the version it is at now. */
export function migrate(db: Database.Database, migrations: readonly string[] = MIGRATIONS): number {
  const at = db.pragma("user_version", { simple: true }) as number;
  if (at > migrations.length) {
    throw new Error(`the state database is at version ${at}, newer than this Shiplab knows (${migrations.length}): run the newer Shiplab`);
  }
  for (let v = at; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}

/** The state database's file (the first Shiplab's name, kept so progress carries over). */
export const stateDbFile = (stateDir: string, instance: string): string => path.join(stateDir, `progress-${instance}.sqlite`);

/**
 * A database's statements, each compiled once, on first use. better-sqlite3 compiles the
 * SQL again on every prepare(), and the grader reads a learner's progress on each check run
 * (for every learner every 3 s at least: the output poll): with 31 learners that was 1,500
 * mallocs a second, a quarter of all the server made, for statements used once and freed
 * whenever V8 got round to it (heaptrack; issue 10). A statement must not be put in a mode
 * (pluck, raw, expand) nor iterated: it is every caller's.
 */
export function statementCache(db: Database.Database): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}

export function openStateDb(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    const journal = db.pragma("journal_mode = WAL", { simple: true });
    // A commit writes the WAL without waiting for the disk (fsync at checkpoints only).
    // better-sqlite3 is synchronous, so a commit's fsync stops the server's event loop:
    // 0.6 ms on a quiet disk, up to 49 ms while a class pulls images (issue 10), each time a
    // learner's exercise turns green, with every terminal waiting. What NORMAL gives up is
    // the last commits on a power loss or a crash of the host, never the file's integrity; a
    // crash or restart of the server process loses nothing (the WAL is written, into the
    // host's page cache, before the commit returns).
    // Only with a WAL: a rollback journal with NORMAL can leave a corrupt file on a power loss.
    if (journal === "wal") db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
