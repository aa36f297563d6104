// `shiplab teacher add|reset NAME`, run as the operator runs it, against a real state database.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStateDb } from "../../server/store/stateDb.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { TeacherAccounts } from "../../server/teach/teacherAccounts.ts";

let state: string;
beforeAll(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-teachercli-"));
});
afterAll(() => fs.rmSync(state, { recursive: true, force: true }));

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "server/cli.ts", "teacher", ...args], {
    encoding: "utf8",
    env: { ...process.env, SHIPLAB_STATE_DIR: state, SHIPLAB_INSTANCE: "cli" },
  });
const passwordIn = (out: string) => /One-time password \(shown only now\): (\S+)/.exec(out)?.[1];

async function canLogIn(name: string, password: string): Promise<boolean> {
  const db = openStateDb(path.join(state, "progress-cli.sqlite"));
  try {
    return (await new TeacherAccounts(new SqliteTeacherStore(db)).login(name, password, "test")).ok;
  } finally {
    db.close();
  }
}

it("adds a teacher and prints a password that logs in; reset prints a new one and the old stops working", async () => {
  const added = cli("add", "ms.li");
  expect(added.status, added.stderr).toBe(0);
  const first = passwordIn(added.stdout)!;
  expect(await canLogIn("ms.li", first)).toBe(true);

  const reset = cli("reset", "ms.li");
  expect(reset.status, reset.stderr).toBe(0);
  const second = passwordIn(reset.stdout)!;
  expect(second).not.toBe(first);
  expect(await canLogIn("ms.li", first)).toBe(false);
  expect(await canLogIn("ms.li", second)).toBe(true);
});

it("says what is wrong: a taken name, an unknown teacher, a bad name, no name", () => {
  expect(cli("add", "ms.li")).toMatchObject({ status: 1, stderr: expect.stringMatching(/already a teacher named ms.li/) });
  expect(cli("reset", "nobody")).toMatchObject({ status: 1, stderr: expect.stringMatching(/no teacher named nobody/) });
  expect(cli("add", "two words")).toMatchObject({ status: 1, stderr: expect.stringMatching(/not a teacher name/) });
  expect(cli("add")).toMatchObject({ status: 2, stderr: expect.stringMatching(/usage: shiplab teacher add NAME/) });
});
