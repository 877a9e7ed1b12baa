// Own config: the project's vitest config only includes src/**/*.test.ts.
import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["test/**/*.test.mjs"],
    testTimeout: 30_000,
  },
});
