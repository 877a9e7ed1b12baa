#!/usr/bin/env node
// asession's entry point. The signal handlers and the stderr guard come first, before the engine is loaded
// (main.ts and its modules take a few hundred ms to load on a busy machine): a SIGTERM in that window must
// still end in RESULT cancelled and exit 130, not in death by signal. The only static import is the version
// constant, so that `--version` answers without loading the engine: ES modules evaluate their imports before
// their own body. No top-level await: the one-file engine runs this file as the body of a function (src/boot.ts).
import type { MainHooks, SignalSource } from "./main.js";
import { VERSION } from "./generated/version.js";

/** Set by src/boot.ts when this runs inside the one-file engine; undeclared when it runs as separate modules. */
declare const __asessionBoot: MainHooks | undefined;

if (process.argv.length === 3 && process.argv[2] === "--version") {
  process.stdout.on("error", () => {}); // a reader that went away misses the line; nothing else is lost
  process.stdout.write(`asession ${VERSION}\n`);
} else {
  // A parent that closed our stderr: writes fail with EPIPE/EBADF. Logs are not worth dying for.
  process.stderr.on("error", () => {});

  const signals: SignalSource = { early: [], handler: null };
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(name, () => (signals.handler ? signals.handler(name) : signals.early.push(name)));
  }
  const boot = typeof __asessionBoot === "undefined" ? undefined : __asessionBoot;
  void import("./main.js").then(({ main }) => main(signals, boot));
}
