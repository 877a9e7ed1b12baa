// Where files come from and go to. A folder stands for the remote host; the destination
// naming rules follow ascp's "Source directory structure on destination" table.
import { statSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

// Error for one item (FILEERROR) with an ascp error code.
export class ItemError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const CODES = { NO_SUCH_FILE: 4, NOT_REGULAR: 21, BAD_PATH: 41 };

export class LocalSpace {
  resolve(p) {
    return path.resolve(p);
  }
  display(abs) {
    return abs;
  }
}

// Remote path P → <root>/<P without leading slashes>; nothing may escape the root.
export class RemoteSpace {
  constructor(root) {
    this.root = path.resolve(root);
    mkdirSync(this.root, { recursive: true });
  }
  resolve(p) {
    const abs = path.resolve(this.root, p.replace(/^\/+/, ""));
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) {
      throw new ItemError(CODES.BAD_PATH, `path ${p} is outside the docroot`);
    }
    return abs;
  }
  display(abs) {
    return `/${path.relative(this.root, abs).split(path.sep).join("/")}`;
  }
}

export const statOrNull = (p) => {
  try {
    return statSync(p);
  } catch {
    return null;
  }
};

// "d/f/." and "d/f/" name the same target as "d/f".
export function trimDest(p) {
  let out = p;
  while (out.length > 1 && (out.endsWith("/.") || out.endsWith("/"))) out = out.endsWith("/.") ? out.slice(0, -2) : out.slice(0, -1);
  return out === "" ? "." : out;
}

function applyPrefix(prefix, src) {
  if (!prefix) return src;
  return `${prefix.replace(/\/+$/, "")}/${src.replace(/^\/+/, "")}`;
}

const globToRegExp = (glob) =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);

// -N/-E rules (first match wins, no match = included) and the mtime windows. A pattern with a
// slash is matched against the path below the source argument, otherwise against the name.
export function makeFilter({ filters = [], excludeNewerThan, excludeOlderThan }, now = Date.now() / 1000) {
  // A negative bound counts back from now (modelled on aspera-cli's description, not confirmed on ascp).
  const bound = (v) => (v !== undefined && v < 0 ? now + v : v);
  [excludeNewerThan, excludeOlderThan] = [bound(excludeNewerThan), bound(excludeOlderThan)];
  const rules = filters.map((f) => ({ ...f, re: globToRegExp(f.pattern), onPath: f.pattern.includes("/") }));
  return (rel, st) => {
    for (const r of rules) {
      if (r.re.test(r.onPath ? rel : path.posix.basename(rel))) {
        if (!r.include) return true;
        break;
      }
    }
    if (!st.isDirectory()) {
      const mtime = st.mtimeMs / 1000;
      if (excludeNewerThan !== undefined && mtime > excludeNewerThan) return true;
      if (excludeOlderThan !== undefined && mtime < excludeOlderThan) return true;
    }
    return false;
  };
}

// Expands one source (file or folder) copied to target into file jobs; creates folders.
function expand(srcAbs, st, target, srcSpace, dstSpace, out, excluded, rel) {
  if (excluded(rel, st)) {
    out.push({ excluded: true, file: srcSpace.display(srcAbs) });
    return;
  }
  if (st.isDirectory()) {
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(srcAbs).sort()) {
      const child = path.join(srcAbs, name);
      const cst = statOrNull(child);
      if (!cst) continue;
      expand(child, cst, path.join(target, name), srcSpace, dstSpace, out, excluded, `${rel}/${name}`);
    }
    return;
  }
  if (!st.isFile()) {
    out.push({ error: new ItemError(CODES.NOT_REGULAR, "not a regular file"), file: srcSpace.display(srcAbs) });
    return;
  }
  out.push({ src: srcAbs, dst: target, size: st.size, mtimeMs: st.mtimeMs, file: dstSpace.display(target) });
}

// entries: [{ source, destination? }] as the manager gave them. Returns one result per entry:
// { arg, error?, jobs: [{src,dst,size,mtimeMs,file} | {error,file} | {excluded,file}] }.
export function planTransfer({ entries, destination, pairs, srcBase, sourcePrefix, createDir, srcSpace, dstSpace, excluded = () => false }) {
  const destRaw = trimDest(destination);
  const destRoot = dstSpace.resolve(destRaw);
  const destStat = statOrNull(destRoot);
  const folderMode = createDir || entries.length > 1 || destStat?.isDirectory() === true;
  const results = [];
  for (const entry of entries) {
    const result = { arg: entry.source, jobs: [] };
    results.push(result);
    try {
      const srcAbs = srcSpace.resolve(applyPrefix(sourcePrefix, entry.source));
      const st = statOrNull(srcAbs);
      if (!st) throw new ItemError(CODES.NO_SUCH_FILE, `No such file or directory: ${entry.source}`);
      let target;
      if (pairs) {
        target = dstSpace.resolve(`${destRaw.replace(/\/+$/, "")}/${entry.destination}`);
        const tst = statOrNull(target);
        if (tst?.isDirectory() && !st.isDirectory()) target = path.join(target, path.basename(srcAbs));
        mkdirSync(path.dirname(target), { recursive: true });
      } else if (srcBase !== undefined) {
        const base = srcSpace.resolve(applyPrefix(sourcePrefix, srcBase));
        const rel = path.relative(base, srcAbs);
        if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
          throw new ItemError(CODES.BAD_PATH, `source ${entry.source} is not below --src-base ${srcBase}`);
        }
        target = path.join(destRoot, rel);
        mkdirSync(path.dirname(target), { recursive: true });
      } else if (folderMode) {
        if (!statOrNull(destRoot)) {
          if (!createDir) throw new ItemError(CODES.NO_SUCH_FILE, `destination folder ${destination} does not exist (use -d)`);
          mkdirSync(destRoot, { recursive: true });
        }
        target = path.join(destRoot, path.basename(srcAbs));
      } else {
        // Single source, no -d, destination not a folder: it is the new name, if its parent exists.
        if (!statOrNull(path.dirname(destRoot))?.isDirectory()) {
          throw new ItemError(CODES.NO_SUCH_FILE, `destination parent folder of ${destination} does not exist`);
        }
        target = destRoot;
      }
      expand(srcAbs, st, target, srcSpace, dstSpace, result.jobs, excluded, path.basename(srcAbs));
    } catch (e) {
      if (!(e instanceof ItemError)) throw e;
      result.error = e;
    }
  }
  return results;
}
