// File lists hold every path of the job, so they live in a folder only this user can read:
// <base>/asession-<uid>/<pid>-<random>/file-list.txt, folders 0700, file 0600, removed when the session ends.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface WrittenFileList {
  /** The list file, for --file-list / --file-pair-list. */
  path: string;
  /** The per-process folder that holds it. */
  folder: string;
  /** Deletes the folder; safe to call more than once. */
  remove(): Promise<void>;
  /** Same, for exit handlers that cannot wait. */
  removeSync(): void;
}

const isWindows = process.platform === "win32";
const ownerTag = (): string => (isWindows ? os.userInfo().username : String(process.getuid!()));

/**
 * The folder `<base>/asession-<uid>`, created 0700 if missing. Refused when it is not a real folder
 * owned by us with mode 0700: another user could otherwise read the lists or swap the files.
 */
export function privateFolder(base: string = os.tmpdir()): string {
  const dir = path.join(base, `asession-${ownerTag()}`);
  // A file_list_folder that does not exist yet is created, like the default one would be.
  fs.mkdirSync(base, { recursive: true });
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a symbolic link?); refusing to write file lists there`);
  // Windows has no POSIX owner or mode; the user's temp folder is private there already.
  if (!isWindows) {
    if (st.uid !== process.getuid!()) throw new Error(`${dir} belongs to uid ${st.uid}, not to us; refusing to write file lists there`);
    const mode = st.mode & 0o777;
    if (mode !== 0o700) throw new Error(`${dir} has mode ${mode.toString(8)}, not 700; refusing to write file lists there`);
  }
  return dir;
}

// In slices of lines small enough to stay short-lived garbage: one joined string (and its UTF-8 copy) of a million
// paths would add tens of MB to the job's peak memory (README, Performance, "1,000,000 paths").
const FILE_LIST_SLICE = 1024;

function writeLines(fd: number, lines: string[]): void {
  for (let i = 0; i < lines.length; i += FILE_LIST_SLICE) {
    const text = `${lines.slice(i, i + FILE_LIST_SLICE).join("\n")}\n`;
    // A string is encoded by fs outside the JS heap; a short write (rare on a file) finishes from its bytes.
    const written = fs.writeSync(fd, text);
    const bytes = Buffer.byteLength(text);
    if (written < bytes) {
      const rest = Buffer.from(text).subarray(written);
      for (let done = 0; done < rest.length; ) done += fs.writeSync(fd, rest, done, rest.length - done);
    }
  }
}

/**
 * Writes the lines (UTF-8, one per line, trailing newline) to a new private file list. With the synchronous calls:
 * nothing else waits at this point (ascp is not started yet), and seven thread-pool round trips cost a session's
 * start several ms (README, Performance).
 */
export function writeFileList(lines: string[], base?: string): WrittenFileList {
  const parent = privateFolder(base);
  // mkdtemp creates the folder 0700 with a random suffix.
  const folder = fs.mkdtempSync(path.join(parent, `${process.pid}-`));
  const remove = () => fs.promises.rm(folder, { recursive: true, force: true });
  const removeSync = () => fs.rmSync(folder, { recursive: true, force: true });
  const file = path.join(folder, "file-list.txt");
  try {
    const fd = fs.openSync(file, "wx", 0o600);
    try {
      writeLines(fd, lines);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    removeSync();
    throw e;
  }
  return { path: file, folder, remove, removeSync };
}

/** ESRCH means no such process; EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes the `<pid>-*` folders in `folder` (a privateFolder) left by processes that died without
 * cleaning up (killed with SIGKILL, power loss). Returns the folders removed.
 */
export async function collectStale(folder: string, isAlive: (pid: number) => boolean = pidAlive): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await fs.promises.readdir(folder, { withFileTypes: true })) {
    const m = /^(\d+)-/.exec(entry.name);
    if (!m || !entry.isDirectory()) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(folder, entry.name);
    await fs.promises.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
