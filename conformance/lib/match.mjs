// Matchers of the case format: literal values match by deep equality; objects match when every
// key they name matches; an object whose keys all start with "$" is an operator set.

const OPS = new Set(["$type", "$re", "$gte", "$lte", "$gt", "$lt", "$absent", "$contains", "$any", "$not", "$len", "$oneOf", "$b64", "$json"]);

// JS regexes have no inline flags; case files may start a pattern with (?i) for case-insensitive.
export function regex(text) {
  return text.startsWith("(?i)") ? new RegExp(text.slice(4), "iu") : new RegExp(text, "u");
}

export function isOperator(m) {
  if (m === null || typeof m !== "object" || Array.isArray(m)) return false;
  const keys = Object.keys(m);
  return keys.length > 0 && keys.every((k) => k.startsWith("$"));
}

function typeOf(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

// Returns null when `actual` matches `expected`, else a short reason (with the path that failed).
export function mismatch(expected, actual, path = "") {
  const at = path || "value";
  if (isOperator(expected)) {
    for (const [op, arg] of Object.entries(expected)) {
      if (!OPS.has(op)) return `${at}: unknown matcher operator ${op}`;
      const why = operator(op, arg, actual, at);
      if (why) return why;
    }
    return null;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length) return `${at}: expected ${expected.length} elements, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const why = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (why) return why;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    }
    for (const [k, m] of Object.entries(expected)) {
      const sub = path ? `${path}.${k}` : k;
      if (isOperator(m) && m.$absent === true) {
        if (Object.hasOwn(actual, k)) return `${sub}: expected absent, got ${JSON.stringify(actual[k])}`;
        continue;
      }
      if (!Object.hasOwn(actual, k)) return `${sub}: missing (expected ${JSON.stringify(m)})`;
      const why = mismatch(m, actual[k], sub);
      if (why) return why;
    }
    return null;
  }
  return expected === actual ? null : `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function operator(op, arg, actual, at) {
  const got = JSON.stringify(actual);
  switch (op) {
    case "$type": {
      const t = typeOf(actual);
      const ok = arg === "integer" ? Number.isInteger(actual) : t === arg;
      return ok ? null : `${at}: expected type ${arg}, got ${t} ${got}`;
    }
    case "$re":
      if (typeof actual !== "string") return `${at}: expected a string matching /${arg}/, got ${got}`;
      return regex(arg).test(actual) ? null : `${at}: ${got} does not match /${arg}/`;
    case "$gte":
      return typeof actual === "number" && actual >= arg ? null : `${at}: expected a number >= ${arg}, got ${got}`;
    case "$lte":
      return typeof actual === "number" && actual <= arg ? null : `${at}: expected a number <= ${arg}, got ${got}`;
    case "$gt":
      return typeof actual === "number" && actual > arg ? null : `${at}: expected a number > ${arg}, got ${got}`;
    case "$lt":
      return typeof actual === "number" && actual < arg ? null : `${at}: expected a number < ${arg}, got ${got}`;
    case "$absent":
      // Reached only for a value that exists (object keys handle absence themselves).
      return arg ? `${at}: expected absent, got ${got}` : null;
    case "$any":
      return null;
    case "$contains":
      if (typeof actual === "string") {
        return typeof arg === "string" && actual.includes(arg) ? null : `${at}: ${got} does not contain ${JSON.stringify(arg)}`;
      }
      if (Array.isArray(actual)) {
        return actual.some((e) => mismatch(arg, e) === null) ? null : `${at}: no element matches ${JSON.stringify(arg)} in ${got}`;
      }
      return `${at}: $contains needs a string or an array, got ${got}`;
    case "$not":
      return mismatch(arg, actual, at) === null ? `${at}: ${got} matches ${JSON.stringify(arg)} but must not` : null;
    case "$len":
      if (typeof actual !== "string" && !Array.isArray(actual)) return `${at}: $len needs a string or an array, got ${got}`;
      return mismatch(arg, actual.length, `${at}.length`);
    case "$b64": {
      // Standard or URL-safe base64 text, decoded as UTF-8, then matched against arg.
      if (typeof actual !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(actual)) return `${at}: expected base64 text, got ${got}`;
      return mismatch(arg, Buffer.from(actual, "base64").toString("utf8"), `${at}(base64-decoded)`);
    }
    case "$json": {
      let parsed;
      try {
        parsed = JSON.parse(actual);
      } catch {
        return `${at}: expected JSON text, got ${got}`;
      }
      return mismatch(arg, parsed, `${at}(JSON)`);
    }
    case "$oneOf":
      return arg.some((m) => mismatch(m, actual) === null) ? null : `${at}: ${got} matches none of ${JSON.stringify(arg)}`;
    default:
      return `${at}: unknown operator ${op}`;
  }
}

export const matches = (expected, actual) => mismatch(expected, actual) === null;

// How close an item comes to a matcher (matching top-level keys), to show the nearest events.
export function closeness(expected, actual) {
  if (expected === null || typeof expected !== "object" || Array.isArray(expected) || isOperator(expected)) {
    return matches(expected, actual) ? 1 : 0;
  }
  if (actual === null || typeof actual !== "object") return 0;
  let score = 0;
  for (const [k, m] of Object.entries(expected)) {
    const ok = isOperator(m) && m.$absent === true ? !Object.hasOwn(actual, k) : Object.hasOwn(actual, k) && matches(m, actual[k]);
    // `type` weighs most: an event of the right type is what a reader looks for first.
    if (ok) score += k === "type" ? 10 : 1;
  }
  return score;
}

// Greedy in-order subsequence match. Returns { ok, positions, failedAt, from }.
export function subsequence(matchers, items) {
  const positions = [];
  let from = 0;
  for (let i = 0; i < matchers.length; i++) {
    let found = -1;
    for (let j = from; j < items.length; j++) {
      if (matches(matchers[i], items[j])) {
        found = j;
        break;
      }
    }
    if (found === -1) return { ok: false, positions, failedAt: i, from };
    positions.push(found);
    from = found + 1;
  }
  return { ok: true, positions };
}
