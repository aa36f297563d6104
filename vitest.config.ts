import { configDefaults, defineConfig } from "vitest/config";

// The tests' own state folder and registry port, apart from a Shiplab that `npm start`
// may be running on this machine. Set here so globalSetup sees them too.
// (Already set values win: two test runs side by side can use two registry ports.)
const testEnv = {
  SHIPLAB_STATE_DIR: process.env.SHIPLAB_STATE_DIR ?? "/var/lib/shiplab-test",
  SHIPLAB_REGISTRY_PORT: process.env.SHIPLAB_REGISTRY_PORT ?? "5001",
  // Labels what this run creates, so its clean-up never touches another run's boxes.
  SHIPLAB_TEST_RUN: process.env.SHIPLAB_TEST_RUN ?? `run-${process.pid}`,
};
Object.assign(process.env, testEnv);

/**
 * Files that mostly wait on a box's daemon (a container's restart back-off, a health check's
 * interval, `docker compose up`): measured over a whole run on 2 cores, the machine was 20–57%
 * busy while each ran alone. Two of them run at once. Each is self-contained (a lab, boxes
 * and registry namespaces of its own) and stops nothing another file uses.
 * Measured: checks-configuration and checks-volumes side by side took 128 s, one after the
 * other 204 s. Three at once gained nothing: each file ran 1.5–1.6 times as long (sandbox
 * 163 → 259 s, lessons 211 → 311 s). Files that drive chromium keep the machine 75–97% busy
 * on their own; two of those at once were each 2.5 times as slow, so they stay in the group
 * below, one at a time.
 */
const SIDE_BY_SIDE = [
  "test/unit/**/*.test.ts",
  "test/integration/checks*.test.ts",
  "test/integration/course-checks.test.ts",
  "test/integration/lessons.test.ts",
  "test/integration/sandbox.test.ts",
  "test/integration/realWork.test.ts",
  "test/integration/prepareBoxes.test.ts",
  "test/integration/eventHistory.test.ts",
  "test/integration/engineApiTap.test.ts",
  "test/integration/namespaces.test.ts",
  "test/integration/grader.test.ts",
  "test/integration/grade.test.ts",
  "test/integration/diskFull.test.ts",
  "test/security/escape.test.ts",
  // Mostly waits for idle boxes to be reaped; its counts are its own lab's and process's.
  "test/soak/soak.test.ts",
];

const common = {
  testTimeout: 120_000,
  hookTimeout: 600_000,
  env: testEnv,
};

export default defineConfig({
  test: {
    // Once for the whole run (the projects below do not repeat it): provisioning, then clean-up.
    globalSetup: ["test/support/globalSetup.ts"],
    reporters: ["default"],
    projects: [
      {
        test: {
          ...common,
          name: "side-by-side",
          include: SIDE_BY_SIDE,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Everything else, after them, one file at a time: real browsers on 2 cores, and the
        // files that restart or starve what all tests share (the engine, the registry) or
        // measure the machine (limits, soak).
        test: {
          ...common,
          name: "one-at-a-time",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...SIDE_BY_SIDE],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
