// docker-compose.yml against the code it deploys: a setting added to server/config.ts but
// not passed on there would silently do nothing under compose.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import YAML from "yaml";
import { SETTINGS } from "../../server/config.ts";
import { REPO_ROOT } from "../../server/paths.ts";
import { SERVER_IMAGE } from "../../server/provision/serverImage.ts";

const service = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "docker-compose.yml"), "utf8")).services.shiplab;

it("passes on every setting but the test run's and SHIPLAB_ON_STOP (the image sets it)", () => {
  const settings = Object.values(SETTINGS)
    .map((s) => s.env)
    .filter((name) => name !== "SHIPLAB_TEST_RUN" && name !== "SHIPLAB_ON_STOP");
  expect(Object.keys(service.environment).sort()).toEqual(settings.sort());
});

it("keeps the state folder at the path it tells Shiplab", () => {
  const state = service.environment.SHIPLAB_STATE_DIR;
  expect(service.volumes).toContain(`${state}:${state}`);
});

it("runs the image that npm run image builds", () => {
  expect(service.image).toBe(SERVER_IMAGE);
});
