#!/usr/bin/env node
// asession's entry point. The signal handlers and the stderr guard come first, before the engine is loaded
// (main.ts and its modules take a few hundred ms to load on a busy machine): a SIGTERM in that window must
// still end in RESULT cancelled and exit 130, not in death by signal. No static imports here, on purpose:
// ES modules evaluate their imports before their own body.
import type { SignalSource } from "./main.js";

// A parent that closed our stderr: writes fail with EPIPE/EBADF. Logs are not worth dying for.
process.stderr.on("error", () => {});

const signals: SignalSource = { early: [], handler: null };
for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(name, () => (signals.handler ? signals.handler(name) : signals.early.push(name)));
}

const { main } = await import("./main.js");
main(signals);
