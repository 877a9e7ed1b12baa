// Where the one-file engine keeps V8's compiled code (src/boot.ts), and whether a file found there may be used.
// Pure, for tables of cases (code-cache.test.ts); the built-in modules through process.getBuiltinModule, as in boot.ts.
import type { Stats } from "node:fs";

const path = process.getBuiltinModule("node:path");

/** Go's os.UserCacheDir, which the Go and Java bindings also use for their copy of the engine; null when none. */
export function userCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | null {
  if (platform === "win32") return env.LocalAppData || null;
  const p = path.posix;
  if (platform === "darwin") return home ? p.join(home, "Library", "Caches") : null;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && p.isAbsolute(xdg)) return xdg;
  return home ? p.join(home, ".cache") : null;
}

/** Owned by `uid` and writable by no one else; anything goes where there are no POSIX owners (uid undefined). */
export function trusted(st: Pick<Stats, "uid" | "mode">, uid: number | undefined): boolean {
  return uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
}
