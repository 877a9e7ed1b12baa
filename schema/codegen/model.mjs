// The language-neutral model of the contract's facts, from one walk over schema/: the emitters (gen-facts.mjs,
// gen-contract.mjs) only print it. Each constant is { name (snake_case), value, doc }; tables are plain arrays.
// Sources: facts.json (limits, exit statuses, ascp error table), client-contract.json (what a binding does),
// agent-options.schema.json (defaults), transfer-spec.schema.json (secret keys), events.schema.json (event types).

const scalar = (v) => ["number", "string", "boolean"].includes(typeof v);

function fail(what) {
  throw new Error(`schema/codegen/model.mjs: ${what}`);
}

// Agent-option defaults as a nested object (resume: { iter_max: 7, ... }); only scalar defaults.
function agentDefaults(schema) {
  const out = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.type === "object" && prop.properties) {
      const inner = agentDefaults(prop);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (prop.default !== undefined && scalar(prop.default)) out[key] = prop.default;
  }
  return out;
}

function engineEventTypes(events) {
  const types = [];
  for (const { $ref } of events.oneOf) {
    const def = events.$defs[$ref.replace("#/$defs/", "")];
    const t = def?.properties?.type?.const;
    if (t !== undefined) types.push(t);
  }
  if (!types.includes("RESULT")) fail("events.schema.json has no RESULT event");
  return types;
}

function secretKeys(transferSpec) {
  return Object.entries(transferSpec.properties)
    .filter(([, p]) => p["x-ascp"]?.secret === true)
    .map(([k]) => k);
}

function ascpErrors(rows) {
  return rows.map(([code, name, retryable, description], i) => {
    if (code !== i) fail(`facts.json ascp_errors: row ${i} has code ${code} (rows are indexed by code)`);
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || typeof retryable !== "boolean") fail(`facts.json ascp_errors: bad row ${code}`);
    return { code, name, retryable, description };
  });
}

function numbers(section, label) {
  return Object.entries(section)
    .filter(([k]) => !k.startsWith("$"))
    .map(([name, value]) => {
      if (!Number.isInteger(value)) fail(`${label}.${name} is not an integer`);
      return { name, value, doc: "" };
    });
}

const OUTCOMES = ["result", "none", "transfer_error", "engine_error"];

function contract(doc) {
  const constants = [];
  for (const [name, entry] of Object.entries(doc)) {
    if (name.startsWith("$") || name === "outcomes") continue;
    if (!scalar(entry.value) || !entry.description) fail(`client-contract.json ${name}: needs a scalar value and a description`);
    constants.push({ name, value: entry.value, doc: entry.description });
  }
  const rows = doc.outcomes.rows.map((r) => {
    if (!OUTCOMES.includes(r.outcome)) fail(`client-contract.json outcome ${r.id}: unknown outcome ${r.outcome}`);
    if (!["present", "absent"].includes(r.result) || !["0", "nonzero", "any"].includes(r.exit) || !["all", "ascp", "any"].includes(r.events)) {
      fail(`client-contract.json outcome ${r.id}: bad condition`);
    }
    return { id: r.id, result: r.result, status: r.status, exit: r.exit, events: r.events, outcome: r.outcome };
  });
  return { constants, outcomes: { doc: doc.outcomes.description, rows } };
}

/** The whole model; loadSchema(name) reads schema/<name> as JSON. */
export function buildModel(loadSchema) {
  const facts = loadSchema("facts.json");
  return {
    limits: numbers(facts.limits, "limits"),
    exitStatus: numbers(facts.exit_status, "exit_status"),
    ascpErrors: ascpErrors(facts.ascp_errors),
    agentDefaults: agentDefaults(loadSchema("agent-options.schema.json")),
    engineEventTypes: engineEventTypes(loadSchema("events.schema.json")),
    secretKeys: secretKeys(loadSchema("transfer-spec.schema.json")),
    contract: contract(loadSchema("client-contract.json")),
  };
}
