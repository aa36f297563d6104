// The parts of the built-image check that need no daemon: parameters, the image's
// configuration, its history steps, and what counts as a BuildKit build.
import { describe, expect, it } from "vitest";
import { builtImage, configProblem, isRootUser, stepsProblem } from "../../server/checks/builtImage.ts";
import { BUILDKIT_COMMENT, historyProblem } from "../../server/checks/imageProvenance.ts";
import { CheckParamError } from "../../server/checks/types.ts";

const base = { repository: "website" };
const config = (over: Record<string, unknown> = {}) =>
  ({ Entrypoint: null, Cmd: ["/bin/sh", "-c", "httpd"], WorkingDir: "", Env: ["PATH=/bin"], User: "", ...over }) as never;

describe("built-image parameters", () => {
  it("reads a full set", () => {
    const p = builtImage.parse({
      ...base,
      entrypoint: "exec",
      cmd: ["world"],
      workdir: "/srv",
      env: ["PORT=8080"],
      nonRootUser: true,
      files: { "/srv/index.html": "\\S", "/srv/empty": "" },
      absent: ["/srv/pages.tar"],
      steps: [{ pattern: "^ADD ", missing: { en: "add", "zh-CN": "加" } }],
      forbiddenSteps: [{ pattern: "^RUN ", found: { en: "run", "zh-CN": "跑" } }],
    });
    expect(p.entrypoint).toBe("exec");
    expect(p.cmd).toEqual(["world"]);
    expect(p.files.map((f) => f.path)).toEqual(["/srv/index.html", "/srv/empty"]);
    expect(p.files[1].content.test("")).toBe(true);
    expect(p.steps[0].message["zh-CN"]).toBe("加");
  });

  it.each([
    [{ repository: "" }, /repository/],
    [{ ...base, workdir: "srv" }, /absolute/],
    [{ ...base, absent: ["relative"] }, /absolute/],
    [{ ...base, files: ["/a"] }, /files must map/],
    [{ ...base, cmd: "shell" }, /cmd/],
    [{ ...base, nonRootUser: "yes" }, /nonRootUser/],
    [{ ...base, steps: [{ pattern: "(", missing: { en: "x", "zh-CN": "x" } }] }, /regular expression/],
    [{ ...base, steps: [{ pattern: "^ADD", missing: { en: "only English" } }] }, /zh-CN/],
  ])("refuses %j", (raw, why) => {
    expect(() => builtImage.parse(raw)).toThrow(CheckParamError);
    expect(() => builtImage.parse(raw)).toThrow(why);
  });
});

describe("isRootUser", () => {
  it.each(["", "root", "0", "0:0", "root:staff", " 0 "])("%j runs as root", (u) => expect(isRootUser(u)).toBe(true));
  it.each(["1000", "1000:1000", "app", "nobody:0", "10"])("%j does not", (u) => expect(isRootUser(u)).toBe(false));
});

describe("configProblem", () => {
  const p = (over: Record<string, unknown>) => builtImage.parse({ ...base, ...over });

  it("wants an exec-form ENTRYPOINT and CMD when asked", () => {
    const want = p({ entrypoint: "exec", cmd: "exec" });
    expect(configProblem(config({ Entrypoint: ["echo", "hello"], Cmd: ["world"] }), want, "greet")).toBeUndefined();
    expect(configProblem(config({ Entrypoint: null, Cmd: ["echo", "hello"] }), want, "greet")?.en).toMatch(/no ENTRYPOINT/);
    expect(configProblem(config({ Entrypoint: ["echo"], Cmd: null }), want, "greet")?.en).toMatch(/no CMD/);
    expect(configProblem(config({ Entrypoint: ["/bin/sh", "-c", "echo hello"], Cmd: ["world"] }), want, "greet")?.en).toMatch(/ENTRYPOINT is in shell form/);
  });

  it("compares an exact CMD", () => {
    expect(configProblem(config({ Cmd: ["/hello"] }), p({ cmd: ["/hello"] }), "x")).toBeUndefined();
    expect(configProblem(config({ Cmd: ["/hello", "x"] }), p({ cmd: ["/hello"] }), "x")?.en).toMatch(/must be \["\/hello"\]/);
  });

  it("checks WORKDIR, ENV and USER", () => {
    const want = p({ workdir: "/srv", env: ["PORT=8080", "MODE"], nonRootUser: true });
    const good = { WorkingDir: "/srv", Env: ["PATH=/bin", "PORT=8080", "MODE=x"], User: "1000" };
    expect(configProblem(config(good), want, "w")).toBeUndefined();
    expect(configProblem(config({ ...good, WorkingDir: "" }), want, "w")?.en).toMatch(/working directory is \/ \(none set\); set it with `WORKDIR \/srv`/);
    expect(configProblem(config({ ...good, Env: ["PORT=80", "MODE=x"] }), want, "w")?.en).toMatch(/does not set PORT=8080 \(it has PORT=80\)/);
    expect(configProblem(config({ ...good, Env: ["PORT=8080"] }), want, "w")?.en).toMatch(/does not set MODE/);
    expect(configProblem(config({ ...good, User: "" }), want, "w")?.en).toMatch(/runs as root \(USER is not set\)/);
    expect(configProblem(config({ ...good, User: "0:0" }), want, "w")?.en).toMatch(/runs as root \(USER is "0:0"\)/);
  });
});

describe("stepsProblem", () => {
  const p = builtImage.parse({
    ...base,
    steps: [{ pattern: "^ADD \\S*\\.tar\\b", missing: { en: "no ADD", "zh-CN": "没有 ADD" } }],
    forbiddenSteps: [{ pattern: "^RUN ", found: { en: "a RUN", "zh-CN": "有 RUN" } }],
  });
  const h = (...createdBy: string[]) => createdBy.map((c) => ({ CreatedBy: c, Comment: BUILDKIT_COMMENT }));

  it("passes with the wanted step and no forbidden one", () => {
    expect(stepsProblem(h("USER 1000", "ADD pages.tar . # buildkit", "WORKDIR /srv", ""), p)).toBeUndefined();
  });
  it("says what is missing", () => {
    expect(stepsProblem(h("COPY pages.tar . # buildkit"), p)?.en).toBe("no ADD");
    expect(stepsProblem(h("ADD index.html . # buildkit"), p)?.en).toBe("no ADD");
  });
  it("says what must not be there", () => {
    expect(stepsProblem(h("ADD pages.tar . # buildkit", "RUN /bin/sh -c rm secret.txt # buildkit"), p)?.en).toBe("a RUN");
  });
});

describe("historyProblem", () => {
  it("accepts a BuildKit step on top", () => {
    expect(historyProblem([{ CreatedBy: "CMD [\"world\"]", Comment: BUILDKIT_COMMENT }], "greet")).toBeUndefined();
  });
  it.each([
    [[{ CreatedBy: "", Comment: "Imported from -" }], /Imported from -/],
    [[{ CreatedBy: "/bin/sh -c #(nop)  CMD [\"x\"]", Comment: "" }], /#\(nop\)/],
    [[{ CreatedBy: "sh", Comment: "" }, { CreatedBy: "CMD", Comment: BUILDKIT_COMMENT }], /newest history entry is "sh"/],
  ])("refuses %j", (history, why) => {
    const r = historyProblem(history, "greet:latest");
    expect(r?.en).toMatch(why);
    expect(r?.en).toContain("docker build -t greet .");
    expect(r?.["zh-CN"]).toContain("docker build -t greet .");
  });
});
