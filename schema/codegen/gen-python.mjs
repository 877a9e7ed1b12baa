// Prints the model's event and command types (schema/events.schema.json, schema/commands.schema.json) as Python
// for bindings/python.
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

// Prints the model's types as Python: collects the object definitions that become classes, in the order they
// are first met (each class before the classes it contains).
class Printer {
  constructor() {
    this.classes = new Map(); // class name -> ObjectDef
  }

  // Registers an object definition as a class and returns its name.
  classFor(obj) {
    const name = obj.title ?? obj.def ?? obj.path.root + obj.path.keys.map(pascal).join("");
    if (!this.classes.has(name)) {
      this.classes.set(name, obj);
      for (const f of obj.fields) this.typeOf(f.type);
    }
    return name;
  }

  // Python annotation for a type node.
  typeOf(t) {
    const base = this.baseType(t);
    return t.nullable ? this.union([base, "None"]) : base;
  }

  baseType(t) {
    switch (t.kind) {
      case "const":
        return `Literal[${pyStr(t.value)}]`;
      case "enum":
        return `Literal[${t.values.map(pyStr).join(", ")}]`;
      case "union":
        return this.union(t.alts.map((alt) => this.typeOf(alt)));
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
        return `List[${t.items.kind === "any" ? "Any" : this.typeOf(t.items)}]`;
      case "object":
        return this.classFor(t.obj);
      case "map":
        return "Dict[str, Any]";
      default:
        return "Any";
    }
  }

  union(types) {
    const unique = [...new Set(types.flatMap((t) => (t.startsWith("Optional[") ? [t.slice(9, -1), "None"] : [t])))];
    const hasNone = unique.includes("None");
    const rest = unique.filter((t) => t !== "None");
    const inner = rest.length === 1 ? rest[0] : `Union[${rest.join(", ")}]`;
    return hasNone ? `Optional[${inner}]` : inner;
  }

  // Python expression converting `value` (the JSON value) for a type: nested objects become their class.
  convert(t, value) {
    const objects = (t.kind === "union" ? t.alts : [t]).filter((a) => a.kind === "object");
    if (objects.length === 1) return `_object(${this.classFor(objects[0].obj)}, ${value})`;
    if (t.kind === "array" && t.items.kind === "object") return `_objects(${this.classFor(t.items.obj)}, ${value})`;
    return value;
  }
}

function fieldComment(f) {
  const text = f.description ?? f.refDescription;
  return text ? `    #: ${oneLine(text)}\n` : "";
}

// One frozen dataclass. Required fields come first (no default); the rest default to None.
// Every class keeps `raw`; classes whose schema allows extra properties also expose them as `extra`.
function dataclass(printer, name, obj) {
  const ordered = [...obj.fields.filter((f) => f.required), ...obj.fields.filter((f) => !f.required)];
  const openEnded = obj.open;
  const clash = obj.fields.find((f) => ["raw", "extra"].includes(f.key));
  if (clash) throw new Error(`gen-python: ${name}.${clash.key} clashes with the attribute the binding adds`);
  let out = "@dataclass(frozen=True, repr=False)\n";
  out += `class ${name}:\n`;
  if (obj.description) out += docstring(obj.description, "    ") + "\n";
  for (const f of ordered) {
    const type = printer.typeOf(f.type);
    out += fieldComment(f);
    if (f.required) out += `    ${pyName(f.key)}: ${type}\n`;
    else out += `    ${pyName(f.key)}: ${type.startsWith("Optional[") ? type : `Optional[${type}]`} = None\n`;
  }
  if (openEnded) {
    out += "    #: Fields the schema does not name, as sent.\n";
    out += "    extra: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)\n";
  }
  out += "    #: The JSON object this was built from, unchanged.\n";
  out += "    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)\n\n";
  out += "    __repr__ = _repr_set_fields\n\n";
  if (openEnded) out += `    _KNOWN = ${frozenset(obj.fields.map((f) => f.key), "    ")}\n\n`;
  out += "    @classmethod\n";
  out += `    def from_json(cls, data: Dict[str, Any]) -> "${name}":\n`;
  // A missing key becomes None whatever the schema says: one odd line must not stop the stream of events.
  out += "        get: Any = data.get\n";
  out += "        return cls(\n";
  for (const f of ordered) out += `            ${pyName(f.key)}=${printer.convert(f.type, `get(${pyStr(f.key)})`)},\n`;
  if (openEnded) out += "            extra={k: v for k, v in data.items() if k not in cls._KNOWN},\n";
  out += "            raw=data,\n";
  out += "        )\n";
  return out;
}

// One TypedDict: required keys in a private base, optional keys in the public total=False subclass
// (Required/NotRequired need Python 3.11).
function typedDict(printer, obj) {
  const name = obj.def;
  const line = (f) => fieldComment(f) + `    ${f.key}: ${printer.typeOf(f.type)}\n`;
  let out = `class _${name}Required(TypedDict):\n`;
  out += obj.fields.filter((f) => f.required).map(line).join("") || "    pass\n";
  out += "\n\n";
  out += `class ${name}(_${name}Required, total=False):\n`;
  if (obj.description) out += docstring(obj.description, "    ") + "\n";
  out += obj.fields.filter((f) => !f.required).map(line).join("") || "    pass\n";
  return out;
}

export default async function generate({ model }) {
  const printer = new Printer();
  const eventNames = model.events.members.map((obj) => printer.classFor(obj));
  for (const obj of model.events.others) printer.classFor(obj);
  const engineTypes = Object.fromEntries(model.events.engine.map((obj) => [obj.typeConst, printer.classFor(obj)]));
  const fallback = printer.classFor(model.events.ascp);
  const ascpTypes = model.events.ascp.eventTypes ?? [];
  const commandPrinter = new Printer();
  const commandNames = model.commands.map((obj) => obj.def);

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
  for (const [name, obj] of printer.classes) out += dataclass(printer, name, obj) + "\n\n";
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
  for (const obj of model.commands) out += typedDict(commandPrinter, obj) + "\n\n";
  out += `Command = Union[${commandNames.join(", ")}]\n`;
  return [{ path: OUT, content: out }];
}
