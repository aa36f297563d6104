// Teacher accounts: the port, and its SQLite implementation on the state database.
import type Database from "better-sqlite3";
import { statementCache } from "./stateDb.ts";

export interface TeacherRecord {
  name: string;
  passwordHash: string;
  createdAt: number;
  passwordSetAt: number;
}

export interface TeacherStore {
  count(): number;
  find(name: string): TeacherRecord | undefined;
  /** Adds a teacher; false when the name is taken. */
  add(name: string, passwordHash: string): boolean;
  /** Replaces a teacher's password; false when there is no such teacher. */
  setPassword(name: string, passwordHash: string): boolean;
}

export class SqliteTeacherStore implements TeacherStore {
  /** Statements compiled once (stateDb.ts, statementCache). */
  private readonly prepare: (sql: string) => Database.Statement;

  constructor(db: Database.Database) {
    this.prepare = statementCache(db);
  }

  count(): number {
    return (this.prepare("SELECT count(*) AS n FROM teachers").get() as { n: number }).n;
  }

  find(name: string): TeacherRecord | undefined {
    const row = this.prepare("SELECT name, password_hash, created_at, password_set_at FROM teachers WHERE name = ?").get(name) as
      | { name: string; password_hash: string; created_at: number; password_set_at: number }
      | undefined;
    return row && { name: row.name, passwordHash: row.password_hash, createdAt: row.created_at, passwordSetAt: row.password_set_at };
  }

  add(name: string, passwordHash: string): boolean {
    const now = Date.now();
    const r = this.prepare("INSERT INTO teachers (name, password_hash, created_at, password_set_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
      .run(name, passwordHash, now, now);
    return r.changes === 1;
  }

  setPassword(name: string, passwordHash: string): boolean {
    return this.prepare("UPDATE teachers SET password_hash = ?, password_set_at = ? WHERE name = ?").run(passwordHash, Date.now(), name).changes === 1;
  }
}
