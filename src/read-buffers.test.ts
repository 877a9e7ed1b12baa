// The spent read buffers' collection: a minor garbage collection after READ_GC_BYTES read, and no `gc` left exposed
// to code run later.
import vm from "node:vm";
import { PerformanceObserver, constants } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { READ_GC_BYTES, bytesRead } from "./read-buffers.js";

async function minorCollections(during: () => void): Promise<number> {
  let minor = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
  });
  observer.observe({ entryTypes: ["gc"] });
  during();
  // GC entries are delivered asynchronously.
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  return minor;
}

describe("read buffers", () => {
  it("a minor collection each time READ_GC_BYTES more are read", async () => {
    // Whatever was counted before: start at a collection.
    bytesRead(READ_GC_BYTES);
    bytesRead(READ_GC_BYTES - 1);
    expect(await minorCollections(() => bytesRead(1))).toBeGreaterThanOrEqual(1);
    expect(await minorCollections(() => {
      for (let i = 0; i < 64; i++) bytesRead(READ_GC_BYTES / 16);
    })).toBeGreaterThanOrEqual(4);
  });

  it("leaves no gc function to contexts made later", () => {
    bytesRead(READ_GC_BYTES);
    expect(vm.runInNewContext("typeof gc")).toBe("undefined");
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe("undefined");
  });
});
