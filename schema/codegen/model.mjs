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

    secretKeys: secretKeys(loadSchema("transfer-spec.schema.json")),
    contract: contract(loadSchema("client-contract.json")),
    events: eventTypes(loadSchema("events.schema.json")),
    commands: commandTypes(loadSchema("commands.schema.json")),
  };
}

// ---- Types: events.schema.json and commands.schema.json as definitions, fields and normalized type nodes ----
//
// A type node T: { kind, nullable, def?, ... } where kind is
//   string | integer | number | boolean | null | any     scalars
//   const (value) | enum (values)                          fixed strings
//   array (items: T) | map (values: T)                      an object with only additionalProperties is a map
//   object (obj: ObjectDef) | union (alts: T[])             oneOf / anyOf / a type array without its null
// nullable: null was one of the alternatives; def: the $defs name the node was resolved from.
// ObjectDef: { def, title, description, required: string[], open, fields: Field[], path: {root, keys} }
//   (path names an inline object by where it sits: root definition, then property keys).
// Field: { key, type: T, required, description (the property's own), refDescription (of a directly $ref'd
//   definition), native (x-native), value (x-value) }.

function typeWalker(schema, label) {
  const defs = schema.$defs ?? {};
  const named = new Map();

  function objectDef(node, def, path) {
    const obj = {
      def,
      title: node.title,
      description: node.description,
      required: node.required ?? [],
      open: node.additionalProperties !== false,
      typeConst: node.properties?.type?.const,
      eventTypes: node["x-event-types"],
      path,
      fields: [],
    };
    if (def) named.set(def, obj);
    const root = path.root;
    for (const [key, prop] of Object.entries(node.properties)) {
      const target = prop.$ref ? defs[refName(prop.$ref)] : undefined;
      obj.fields.push({
        key,
        type: typeOf(prop, { root, keys: [...path.keys, key] }),
        required: obj.required.includes(key),
        description: prop.description,
        refDescription: target?.description,
        native: prop["x-native"],
        value: prop["x-value"],
      });
    }
    return obj;
  }

  function refName(ref) {
    const name = ref.replace("#/$defs/", "");
    if (!defs[name]) fail(`${label}: unknown $ref ${ref}`);
    return name;
  }

  function withNull(alts, path) {
    const real = alts.filter((a) => a.type !== "null");
    const types = real.map((a) => typeOf(a, path));
    const nullable = real.length < alts.length;
    if (types.length === 1) return { ...types[0], nullable: nullable || types[0].nullable };
    return { kind: "union", alts: types, nullable };
  }

  // path: where an inline object found below this node is named from.
  function typeOf(node, path) {
    if (node.$ref) {
      const def = refName(node.$ref);
      const target = defs[def];
      if (target.type === "object" && target.properties) {
        return { kind: "object", obj: named.get(def) ?? objectDef(target, def, { root: def, keys: [] }), def, nullable: false };
      }
      return { ...typeOf(target, { root: def, keys: [] }), def };
    }
    if (node.const !== undefined) return { kind: "const", value: node.const, nullable: false };
    if (node.enum) return { kind: "enum", values: node.enum, nullable: false };
    const alts = node.oneOf ?? node.anyOf;
    if (alts) return withNull(alts, path);
    if (Array.isArray(node.type)) return withNull(node.type.map((t) => ({ ...node, type: t })), path);
    switch (node.type) {
      case "string":
      case "integer":
      case "number":
      case "boolean":
      case "null":
        return { kind: node.type, nullable: false };
      case "array":
        return { kind: "array", items: node.items ? typeOf(node.items, path) : { kind: "any", nullable: false }, nullable: false };
      case "object":
        if (node.properties) return { kind: "object", obj: objectDef(node, undefined, path), nullable: false };
        return { kind: "map", values: typeof node.additionalProperties === "object" ? typeOf(node.additionalProperties, path) : { kind: "any", nullable: false }, nullable: false };
      default:
        return { kind: "any", nullable: false };
    }
  }

  // The oneOf members in order, then every other object definition.
  const members = schema.oneOf.map(({ $ref }) => {
    const def = refName($ref);
    return named.get(def) ?? objectDef(defs[def], def, { root: def, keys: [] });
  });
  const others = Object.entries(defs)
    .filter(([def, node]) => node.type === "object" && node.properties && !members.some((m) => m.def === def))
    .map(([def, node]) => named.get(def) ?? objectDef(node, def, { root: def, keys: [] }));
  return { members, others };
}

const ascpDefName = (members) => members.find((m) => m.typeConst === undefined)?.def;

function eventTypes(events) {
  const { members, others } = typeWalker(events, "events.schema.json");
  if (!members.some((m) => m.typeConst === "RESULT")) fail("events.schema.json has no RESULT event");
  // The ascp event refuses the engine's types (AscpEvent.type's not.enum): that list must be the engine's, exactly.
  const engineTypes = members.map((m) => m.typeConst).filter((t) => t !== undefined);
  const refused = events.$defs[ascpDefName(members)]?.properties?.type?.not?.enum ?? [];
  const differ = [...engineTypes.filter((t) => !refused.includes(t)), ...refused.filter((t) => !engineTypes.includes(t))];
  if (differ.length) fail(`events.schema.json: AscpEvent.type's not.enum and the engine event types differ in ${differ.join(", ")}`);
  const ascp = members.filter((m) => m.typeConst === undefined);
  if (ascp.length !== 1) fail(`events.schema.json: want one event without a const type, got ${ascp.map((m) => m.def)}`);
  return { engine: members.filter((m) => m.typeConst !== undefined), ascp: ascp[0], members, others };
}

function commandTypes(commands) {
  const { members } = typeWalker(commands, "commands.schema.json");
  for (const m of members) if (m.typeConst === undefined) fail(`commands.schema.json: ${m.def} has no const type`);
  return members;
}
