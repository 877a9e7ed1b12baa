// Where ascp is looked for (docs/protocol.md §6): agent.ascp_path, the sdk folder, $PATH, then
// the folders Aspera products install to on this platform, in aspera-cli's order: Transfer SDK, Desktop,
// Connect, CLI, server, Drive. The first executable regular file wins.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface AscpSearch {
  /** agent.ascp_path: when given, it is the only candidate. */
  ascpPath?: string;
  /** The session spec's sdk folder (ascp directly in it). */
  sdk?: string;
}

export class AscpNotFoundError extends Error {
  readonly tried: string[];
  constructor(message: string, tried: string[]) {
    super(message);
    this.name = "AscpNotFoundError";
    this.tried = tried;
  }
}

type Env = Record<string, string | undefined>;

/** Environment variables are case-insensitive on Windows (Path, LocalAppData…). */
function envVar(env: Env, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== "win32") return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

function installFolders(env: Env, platform: NodeJS.Platform, home: string): string[] {
  const p = platform === "win32" ? path.win32 : path.posix;
  const sdk = [p.join(home, ".aspera", "sdk"), p.join(home, ".aspera", "ascli", "sdk")];
  if (platform === "darwin") {
    const connect = [home, "/"].flatMap((root) =>
      ["Aspera Connect", "IBM Aspera Connect"].map((name) => p.join(root, "Applications", `${name}.app`, "Contents", "Resources")),
    );
    return [
      ...sdk,
      "/Applications/IBM Aspera.app/Contents/Resources/transferd/bin",
      ...connect,
      p.join(home, "Applications", "Aspera CLI", "bin"),
      "/Library/Aspera/bin",
      "/Applications/Aspera Drive.app/Contents/Resources",
    ];
  }
  if (platform === "win32") {
    const localAppData = envVar(env, "LOCALAPPDATA", platform);
    const programFiles = envVar(env, "PROGRAMFILES", platform) ?? "C:\\Program Files";
    return [
      ...sdk,
      ...(localAppData ? [p.join(localAppData, "Programs", "Aspera", "Aspera Connect", "bin")] : []),
      p.join(programFiles, "Aspera", "cli", "bin"),
      p.join(programFiles, "Aspera", "Enterprise Server", "bin"),
    ];
  }
  return [...sdk, p.join(home, ".aspera", "connect", "bin"), p.join(home, ".aspera", "cli", "bin"), "/opt/aspera/bin"];
}

/** Every place ascp is looked for, in order, without duplicates. */
export function ascpCandidates(search: AscpSearch, env: Env, platform: NodeJS.Platform, home: string): string[] {
  if (search.ascpPath !== undefined) return [search.ascpPath];
  const p = platform === "win32" ? path.win32 : path.posix;
  const exe = platform === "win32" ? "ascp.exe" : "ascp";
  // An empty PATH entry means the current folder: not a place to pick up an executable from.
  const pathDirs = (envVar(env, "PATH", platform) ?? "").split(p.delimiter).filter((d) => d !== "");
  const dirs = [...(search.sdk !== undefined ? [search.sdk] : []), ...pathDirs, ...installFolders(env, platform, home)];
  return [...new Set(dirs.map((d) => p.join(d, exe)))];
}

/** Why `file` cannot be run, or null when it can. Synchronous: two quick calls, made before anything else runs. */
function unusable(file: string): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return "is not a regular file";
    fs.accessSync(file, fs.constants.X_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "does not exist";
    if (code === "EACCES") return "is not executable";
    return `cannot be checked (${code ?? String(e)})`;
  }
}

export async function findAscp(
  search: AscpSearch,
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): Promise<string> {
  const tried = ascpCandidates(search, env, platform, home);
  if (search.ascpPath !== undefined) {
    // Asked for by name: falling back to another ascp would hide the mistake.
    const why = unusable(search.ascpPath);
    if (why) throw new AscpNotFoundError(`agent.ascp_path ${search.ascpPath} ${why}`, tried);
    return search.ascpPath;
  }
  for (const candidate of tried) if (unusable(candidate) === null) return candidate;
  throw new AscpNotFoundError(
    `ascp not found; set agent.ascp_path or sdk, or install an Aspera product. Looked for:\n${tried.map((t) => `  ${t}`).join("\n")}`,
    tried,
  );
}
