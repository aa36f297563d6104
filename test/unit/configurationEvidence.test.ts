import { describe, expect, it } from "vitest";
import { healthCommandProbes } from "../../server/checks/containerHealthy.ts";
import { learnerVariables } from "../../server/checks/envPrinted.ts";
import { missingLimits } from "../../server/checks/limitsInForce.ts";

describe("learnerVariables", () => {
  it("keeps only what the image did not set, split at the first =", () => {
    const image = ["PATH=/usr/bin:/bin", "LANG=C"];
    expect(learnerVariables(["PATH=/usr/bin:/bin", "GREETING=hello", "URL=a=b", "LANG=C"], image)).toEqual([
      { name: "GREETING", value: "hello" },
      { name: "URL", value: "a=b" },
    ]);
  });

  it("counts an image variable given a new value as the learner's", () => {
    expect(learnerVariables(["LANG=zh_CN.UTF-8"], ["LANG=C"])).toEqual([{ name: "LANG", value: "zh_CN.UTF-8" }]);
  });

  it("names them in the same order whichever order the daemon keeps them in", () => {
    const names = (env: string[]) => learnerVariables(env, []).map((v) => v.name);
    expect(names(["WHO=Ada", "CITY=Lyon"])).toEqual(["CITY", "WHO"]);
    expect(names(["CITY=Lyon", "WHO=Ada"])).toEqual(["CITY", "WHO"]);
  });
});

describe("missingLimits", () => {
  it("names the flags whose limit is not set", () => {
    expect(missingLimits({ Memory: 50331648, NanoCpus: 5e8, PidsLimit: 50 })).toEqual([]);
    expect(missingLimits({ Memory: 50331648, CpuQuota: 50000, PidsLimit: 50 })).toEqual([]);
    expect(missingLimits({ Memory: 50331648, NanoCpus: 0, PidsLimit: null })).toEqual(["--cpus", "--pids-limit"]);
    expect(missingLimits({ Memory: 0, PidsLimit: -1 })).toEqual(["-m", "--cpus", "--pids-limit"]);
  });
});

describe("healthCommandProbes", () => {
  it("accepts a request whose failure shows", () => {
    expect(healthCommandProbes(["CMD-SHELL", "wget -q --spider http://localhost/hostname"])).toBe(true);
    expect(healthCommandProbes(["CMD", "wget", "-q", "--spider", "http://localhost/"])).toBe(true);
    expect(healthCommandProbes(["CMD-SHELL", "curl -fs http://localhost:8080/ || exit 1"])).toBe(true);
  });

  it("refuses a check that asks nothing, or hides the failure", () => {
    expect(healthCommandProbes(["CMD-SHELL", "true"])).toBe(false);
    expect(healthCommandProbes(["CMD-SHELL", "exit 0"])).toBe(false);
    expect(healthCommandProbes(["CMD-SHELL", "wget -q --spider http://localhost/ || true"])).toBe(false);
    expect(healthCommandProbes(["CMD-SHELL", "wget -q --spider http://localhost/; exit 0"])).toBe(false);
  });
});
