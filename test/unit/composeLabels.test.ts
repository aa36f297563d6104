import { describe, expect, it } from "vitest";
import { madeByCompose } from "../../server/checks/composeLabels.ts";

describe("madeByCompose", () => {
  const compose = {
    "com.docker.compose.project": "shop",
    "com.docker.compose.service": "web",
    "com.docker.compose.version": "2.26.1",
    "com.docker.compose.project.config_files": "/root/shop/compose.yaml",
  };

  it("is true for the set of labels Compose writes", () => {
    expect(madeByCompose(compose)).toBe(true);
  });

  it("is false for a project and service label copied by hand, or none", () => {
    expect(madeByCompose({ "com.docker.compose.project": "shop", "com.docker.compose.service": "web" })).toBe(false);
    expect(madeByCompose({ ...compose, "com.docker.compose.version": "" })).toBe(false);
    expect(madeByCompose(undefined)).toBe(false);
  });
});
