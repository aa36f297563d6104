import { describe, expect, it } from "vitest";
import { repositoryPattern, stringList, stringParam } from "../../server/checks/imageMatch.ts";
import { CheckParamError } from "../../server/checks/types.ts";

describe("repositoryPattern", () => {
  const re = repositoryPattern("*/hello-docker");

  it.each(["ada/hello-docker:latest", "ada/hello-docker:v1.2", "a.b_c-d/hello-docker:1", "ada/hello-docker:Tag_1"])("matches %s", (tag) => {
    expect(re.test(tag)).toBe(true);
  });

  it.each([
    "hello-docker:latest",
    "a/b/hello-docker:latest",
    "ada/hello-docker-x:latest",
    "ada/hello-docker",
    "ada/hello-docker:",
    "ada/hello-docker:-bad",
    "ada/hello-docker:.bad",
    "/hello-docker:latest",
    "Ada/hello-docker:latest",
    "registry.lab:5000/ada/hello-docker:latest",
    "ada/hello-docker:latest\nx",
    "xada/hello-dockerx:latest",
  ])("does not match %j", (tag) => {
    expect(re.test(tag)).toBe(false);
  });

  it("treats a dot as a dot, not any character", () => {
    const dotted = repositoryPattern("ada/hello.docker");
    expect(dotted.test("ada/hello.docker:latest")).toBe(true);
    expect(dotted.test("ada/helloXdocker:latest")).toBe(false);
  });

  it("matches a literal repository exactly", () => {
    const exact = repositoryPattern("library/busybox");
    expect(exact.test("library/busybox:latest")).toBe(true);
    expect(exact.test("library/busybox2:latest")).toBe(false);
  });

  it.each(["*/hello docker", "(.*)", "*/hello-docker$", "a|b", "[a-z]+/x", "ADA/x", "", "*/x:latest", "a\\d"])(
    "refuses %j with a CheckParamError",
    (pattern) => {
      expect(() => repositoryPattern(pattern)).toThrow(CheckParamError);
      expect(() => repositoryPattern(pattern)).toThrow(/has characters a repository cannot/);
    },
  );
});

describe("stringList", () => {
  it("returns a list of strings", () => {
    expect(stringList(["/hello", "--flag"], "cmd")).toEqual(["/hello", "--flag"]);
  });

  it.each([[[]], ["/hello"], [[1, 2]], [["ok", null]], [undefined], [{ 0: "a", length: 1 }]])("refuses %j", (raw) => {
    expect(() => stringList(raw, "cmd")).toThrow(CheckParamError);
    expect(() => stringList(raw, "cmd")).toThrow("cmd must be a list of strings");
  });
});

describe("stringParam", () => {
  it("returns a non-empty string", () => {
    expect(stringParam("*/hello-docker", "repository")).toBe("*/hello-docker");
  });

  it.each([[""], [undefined], [null], [42], [["x"]]])("refuses %j", (raw) => {
    expect(() => stringParam(raw, "repository")).toThrow(CheckParamError);
    expect(() => stringParam(raw, "repository")).toThrow("repository must be a non-empty string");
  });
});
