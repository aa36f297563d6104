// `shiplab teacher add|reset NAME` and `shiplab export`, run as the operator runs them,
// against a real state database.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStateDb } from "../../server/store/stateDb.ts";
import { SqliteTeacherStore } from "../../server/store/teacherStore.ts";
import { LessonCatalog } from "../../server/lessons/catalog.ts";
import { LESSONS_DIR } from "../../server/paths.ts";
import { SqliteClassStore } from "../../server/store/classStore.ts";
import { SqliteProgressStore } from "../../server/store/progressStore.ts";
import { Classes } from "../../server/teach/classes.ts";
import { TeacherAccounts } from "../../server/teach/teacherAccounts.ts";

let state: string;
beforeAll(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-teachercli-"));
});
afterAll(() => fs.rmSync(state, { recursive: true, force: true }));

const shiplab = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "server/cli.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, SHIPLAB_STATE_DIR: state, SHIPLAB_INSTANCE: "cli" },
  });
const cli = (...args: string[]) => shiplab("teacher", ...args);
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

it("exports a class's grades as CSV or JSON on stdout, and says when there is no such class", () => {
  const db = openStateDb(path.join(state, "progress-cli.sqlite"));
  let code: string;
  try {
    const classes = new Classes(new SqliteClassStore(db), LessonCatalog.load(LESSONS_DIR));
    code = classes.create("ms.li", { name: "Evening class", lessons: ["images"] }).code;
    classes.join(code, "learner-1", "王小明, \"Ming\"");
    new SqliteProgressStore(db).record("learner-1", { exerciseId: "images.pull", status: "passed", message: { en: "", "zh-CN": "" }, updatedAt: Date.UTC(2026, 10, 29, 10) });
  } finally {
    db.close();
  }
  const csv = shiplab("export", "--class", code.toLowerCase());
  expect(csv.status, csv.stderr).toBe(0);
  const lines = csv.stdout.replace(/^\uFEFF/, "").split("\r\n");
  expect(lines[0]).toMatch(/^name,joined,images\.pull,/);
  expect(lines[1]).toMatch(/^"王小明, ""Ming""",\S+,2026-11-29T10:00:00\.000Z,/);
  const json = shiplab("export", "--class", code, "--format", "json");
  expect(JSON.parse(json.stdout)).toMatchObject({ class: { code, name: "Evening class" }, learners: [{ name: '王小明, "Ming"', passed: 1 }] });
  expect(shiplab("export", "--class", "ZZZZZZ")).toMatchObject({ status: 1, stderr: expect.stringMatching(/no class ZZZZZZ/) });
  expect(shiplab("export")).toMatchObject({ status: 2, stderr: expect.stringMatching(/usage: shiplab export/) });
});
