// Stands in, in the compiled server only, for dependencies of dockerode that Shiplab never
// uses: ssh2 (Docker over SSH) and gRPC/protobuf (BuildKit sessions for buildImage). The
// server reaches every engine over a unix socket and builds nothing itself; loading them
// cost ≈12–16 MiB of RSS (scripts/build-server.ts). Any use fails loudly, never silently.
"use strict";
const unusable = (what) =>
  new Proxy(function unused() {}, {
    get: (_target, key) => (key === "__esModule" ? false : typeof key === "symbol" ? undefined : unusable(`${what}.${String(key)}`)),
    apply: () => {
      throw new Error(`${what} is left out of Shiplab's compiled server (scripts/stubs/unusedDependency.cjs)`);
    },
    construct: () => {
      throw new Error(`${what} is left out of Shiplab's compiled server (scripts/stubs/unusedDependency.cjs)`);
    },
  });
module.exports = unusable("a dependency of dockerode (SSH or BuildKit session)");
