// Python types for bindings/python, from schema/events.schema.json and schema/commands.schema.json.
// Events become frozen dataclasses that keep the JSON they came from (`raw`), so a field the schema does not
// name yet is never lost; commands become TypedDicts (they are plain dicts on the wire).
// The output must stay valid on Python 3.9: typing.Optional/Union/List/Dict only, no `X | Y`.

const OUT = "bindings/python/src/asession/_events.py";

const KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "),
);
const pyName = (key) => (KEYWORDS.has(key) ? `${key}_` : key);
const oneLine = (text) => String(text).replace(/\s+/g, " ").trim();
const pyStr = (value) => JSON.stringify(value); // JSON string literals are valid Python string literals
const docstring = (text, indent) => `${indent}"""${oneLine(text).replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"')}"""\n`;
const frozenset = (items, indent) => `frozenset(\n${indent}    (\n${items.map((i) => `${indent}        ${pyStr(i)},\n`).join("")}${indent}    )\n${indent})`;
const pascal = (key) => key.replace(/(^|_)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

// Walks one schema and collects the object definitions that become Python classes.
class Model {
  constructor(schema) {
    this.defs = schema.$defs ?? {};
    this.classes = new Map(); // class name -> { name, schema }
  }

  deref(node) {
    while (node && node.$ref) {
      const name = node.$ref.replace("#/$defs/", "");
      const { $ref, ...rest } = node;
      node = { ...this.defs[name], ...rest, "x-def": name };
    }
    return node;
  }

  isObject(node) {
    return node && node.type === "object" && node.properties;
  }

  // Registers an object schema as a class and returns its name.
  classFor(node, fallbackName) {
    const name = node.title ?? node["x-def"] ?? fallbackName;
    if (!this.classes.has(name)) {
      this.classes.set(name, { name, schema: node });
      for (const [key, prop] of Object.entries(node.properties)) this.typeOf(prop, `${name}${pascal(key)}`);
    }
    return name;
  }

  // Python annotation for a schema node; `owner` names nested object classes.
  typeOf(raw, owner) {
    const node = this.deref(raw);
    if (node.const !== undefined) return `Literal[${pyStr(node.const)}]`;
    if (node.enum) return `Literal[${node.enum.map(pyStr).join(", ")}]`;
    const alts = node.oneOf ?? node.anyOf;
    if (alts) return this.union(alts.map((alt) => this.typeOf(alt, owner)));
    if (Array.isArray(node.type)) return this.union(node.type.map((t) => this.typeOf({ ...node, type: t }, owner)));
    switch (node.type) {
      case "string":
        return "str";
      case "integer":
        return "int";
      case "number":
        return "float";
      case "boolean":
        return "bool";
      case "null":
        return "None";
      case "array":
        return `List[${node.items ? this.typeOf(node.items, owner) : "Any"}]`;
      case "object":
        return this.isObject(node) ? this.classFor(node, owner) : "Dict[str, Any]";
      default:
        return "Any";
    }
  }

  union(types) {
    const unique = [...new Set(types)];
    const hasNone = unique.includes("None");
    const rest = unique.filter((t) => t !== "None");
    const inner = rest.length === 1 ? rest[0] : `Union[${rest.join(", ")}]`;
    return hasNone ? `Optional[${inner}]` : inner;
  }

  // Python expression converting `value` (the JSON value) for a node: nested objects become their class.
  convert(raw, owner, value) {
    const node = this.deref(raw);
    const alts = (node.oneOf ?? node.anyOf ?? [node]).map((a) => this.deref(a));
    const objects = alts.filter((a) => this.isObject(a));
    if (objects.length === 1) return `_object(${this.classFor(objects[0], owner)}, ${value})`;
    if (node.type === "array" && node.items && this.isObject(this.deref(node.items))) {
      return `_objects(${this.classFor(this.deref(node.items), owner)}, ${value})`;
    }
    return value;
  }
}

function fieldComment(prop, model) {
  const node = model.deref(prop);
  const text = prop.description ?? node.description;
  return text ? `    #: ${oneLine(text)}\n` : "";
}

// One frozen dataclass. Required fields come first (no default); the rest default to None.
// Every class keeps `raw`; classes whose schema allows extra properties also expose them as `extra`.
function dataclass(model, { name, schema }) {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties);
  const ordered = [...entries.filter(([k]) => required.has(k)), ...entries.filter(([k]) => !required.has(k))];
  const openEnded = schema.additionalProperties !== false;
  const clash = entries.find(([k]) => ["raw", "extra"].includes(k));
  if (clash) throw new Error(`gen-python: ${name}.${clash[0]} clashes with the attribute the binding adds`);
  let out = "@dataclass(frozen=True, repr=False)\n";
  out += `class ${name}:\n`;
  if (schema.description) out += docstring(schema.description, "    ") + "\n";
  for (const [key, prop] of ordered) {
    const type = model.typeOf(prop, `${name}${pascal(key)}`);
    out += fieldComment(prop, model);
    if (required.has(key)) out += `    ${pyName(key)}: ${type}\n`;
    else out += `    ${pyName(key)}: ${type.startsWith("Optional[") ? type : `Optional[${type}]`} = None\n`;
  }
  if (openEnded) {
    out += "    #: Fields the schema does not name, as sent.\n";
    out += "    extra: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)\n";
  }
  out += "    #: The JSON object this was built from, unchanged.\n";
  out += "    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)\n\n";
  out += "    __repr__ = _repr_set_fields\n\n";
  if (openEnded) out += `    _KNOWN = ${frozenset(entries.map(([k]) => k), "    ")}\n\n`;
  out += "    @classmethod\n";
  out += `    def from_json(cls, data: Dict[str, Any]) -> "${name}":\n`;
  // A missing key becomes None whatever the schema says: one odd line must not stop the stream of events.
  out += "        get: Any = data.get\n";
  out += "        return cls(\n";
  for (const [key, prop] of ordered) {
    out += `            ${pyName(key)}=${model.convert(prop, `${name}${pascal(key)}`, `get(${pyStr(key)})`)},\n`;
  }
  if (openEnded) out += "            extra={k: v for k, v in data.items() if k not in cls._KNOWN},\n";
  out += "            raw=data,\n";
  out += "        )\n";
  return out;
}

// One TypedDict: required keys in a private base, optional keys in the public total=False subclass
// (Required/NotRequired need Python 3.11).
function typedDict(model, name, schema) {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties);
  const line = ([key, prop]) => fieldComment(prop, model) + `    ${key}: ${model.typeOf(prop, name)}\n`;
  let out = `class _${name}Required(TypedDict):\n`;
  out += entries.filter(([k]) => required.has(k)).map(line).join("") || "    pass\n";
  out += "\n\n";
  out += `class ${name}(_${name}Required, total=False):\n`;
  if (schema.description) out += docstring(schema.description, "    ") + "\n";
  out += entries.filter(([k]) => !required.has(k)).map(line).join("") || "    pass\n";
  return out;
}

export default async function generate({ loadSchema }) {
  const events = loadSchema("events.schema.json");
  const commands = loadSchema("commands.schema.json");

  const eventModel = new Model(events);
  const eventNames = events.oneOf.map((ref) => eventModel.classFor(eventModel.deref(ref)));
  for (const [defName, def] of Object.entries(events.$defs)) {
    if (eventModel.isObject(def)) eventModel.classFor({ ...def, "x-def": defName });
  }
  const engineTypes = {};
  for (const name of eventNames) {
    const typeNode = eventModel.classes.get(name).schema.properties.type;
    if (typeNode.const !== undefined) engineTypes[typeNode.const] = name;
  }
  const fallback = eventNames.find((name) => eventModel.classes.get(name).schema.properties.type.const === undefined);
  const ascpTypes = events.$defs[fallback]?.["x-event-types"] ?? [];

  const commandModel = new Model(commands);
  const commandNames = commands.oneOf.map((ref) => commandModel.deref(ref)["x-def"]);

  let out = "";
  out += "# Generated by schema/codegen/gen-python.mjs from schema/events.schema.json and\n";
  out += "# schema/commands.schema.json. Do not edit: run `node schema/codegen/gen.mjs`.\n";
  out += '"""Typed events and commands of asession\'s NDJSON protocol."""\n\n';
  out += "from __future__ import annotations\n\n";
  out += "from dataclasses import dataclass, field, fields\n";
  out += "from typing import Any, Dict, List, Literal, Optional, Type, TypedDict, Union\n\n\n";
  out += "def _object(cls: Any, value: Any) -> Any:\n";
  out += "    return cls.from_json(value) if isinstance(value, dict) else value\n\n\n";
  out += "def _objects(cls: Any, value: Any) -> Any:\n";
  out += "    return [_object(cls, item) for item in value] if isinstance(value, list) else value\n\n\n";
  out += "def _repr_set_fields(self: Any) -> str:\n";
  out += '    # An ascp event names ~150 optional fields and a frame sets a few: show only those.\n';
  out += "    shown = (f for f in fields(self) if f.repr and getattr(self, f.name) is not None)\n";
  out += '    return f"{type(self).__name__}({\', \'.join(f\'{f.name}={getattr(self, f.name)!r}\' for f in shown)})"\n\n\n';
  for (const cls of eventModel.classes.values()) out += dataclass(eventModel, cls) + "\n\n";
  out += `EngineEvent = Union[${eventNames.filter((n) => n !== fallback).join(", ")}]\n`;
  out += `Event = Union[EngineEvent, ${fallback}]\n\n`;
  out += `#: Event types ascp sends (others pass through as ${fallback} too).\n`;
  out += `ASCP_EVENT_TYPES = ${frozenset(ascpTypes, "")}\n\n`;
  out += "#: Event types the engine adds, with their classes.\n";
  out += `ENGINE_EVENTS: Dict[str, Type[EngineEvent]] = {\n${Object.entries(engineTypes).map(([t, c]) => `    ${pyStr(t)}: ${c},\n`).join("")}}\n\n\n`;
  out += "def from_json(data: Dict[str, Any]) -> Event:\n";
  out += `    """Builds the typed event for one decoded stdout line; any type the engine does not add is an ${fallback}."""\n`;
  out += `    engine_event = ENGINE_EVENTS.get(str(data.get("type")))\n`;
  out += `    return engine_event.from_json(data) if engine_event else ${fallback}.from_json(data)\n\n\n`;
  for (const name of commandNames) out += typedDict(commandModel, name, commandModel.deref({ $ref: `#/$defs/${name}` })) + "\n\n";
  out += `Command = Union[${commandNames.join(", ")}]\n`;
  return [{ path: OUT, content: out }];
}
