import { defineConfig } from "vitest/config";

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

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // Real boxes and a real browser on a 2-core machine: one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ["default"],
    env: testEnv,
  },
});
