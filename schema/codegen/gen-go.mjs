// Prints the model's event and command types (schema/events.schema.json, schema/commands.schema.json) as Go for
// bindings/go.
// The output must be byte-for-byte what gofmt prints (the drift check compares bytes), so this file lays out
// struct and const blocks itself, aligning columns the way gofmt's tabwriter does; bindings/go tests check it
// with go/format.
// ascp events get pointer fields (absent stays nil) plus maps for values that stayed text and for fields the
// schema does not name; the decoding itself is hand-written in bindings/go/ascp_event.go.

const OUT = "bindings/go/events_gen.go";

// Words Go spells in capitals inside identifiers (SessionID, LocalIP, TCPPort).
const INITIALISMS = new Set(["api", "cpu", "ds", "fips", "http", "id", "ip", "json", "mac", "pmtu", "rtt", "ssh", "tcp", "udp", "uri", "url", "uuid"]);
// Definitions that are not objects and are written by hand in the package, by name.
const HAND_WRITTEN = new Set(["RateValue"]);

const goName = (key) =>
  key
    .split("_")
    .filter(Boolean)
    .map((w) => (INITIALISMS.has(w) ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1)))
    .join("");
const oneLine = (text) => String(text).replace(/\s+/g, " ").trim();
const goStr = (value) => JSON.stringify(value); // a JSON string without control characters is a valid Go literal

// tabwriter measures cells in runes.
const runes = (text) => [...text].length;

// Lays out lines of tab-separated cells like gofmt's tabwriter: within a run of consecutive lines that all have
// cell j followed by another cell, cell j is padded to the widest plus one space. A null entry is a line that
// breaks every run (a comment). Returns the text lines, each prefixed by `indent`.
function align(rows, indent) {
  const width = rows.map((r) => (r ? r.map(() => 0) : null));
  const cols = Math.max(0, ...rows.map((r) => (r ? r.length - 1 : 0)));
  for (let j = 0; j < cols; j++) {
    let start = 0;
    while (start < rows.length) {
      if (!rows[start] || rows[start].length <= j + 1) {
        start++;
        continue;
      }
      let end = start;
      while (end < rows.length && rows[end] && rows[end].length > j + 1) end++;
      const w = Math.max(...rows.slice(start, end).map((r) => runes(r[j])));
      for (let i = start; i < end; i++) width[i][j] = w;
      start = end;
    }
  }
  return rows.map((r, i) =>
    r === null ? null : indent + r.map((cell, j) => (j < r.length - 1 ? cell + " ".repeat(width[i][j] + 1 - runes(cell)) : cell)).join(""),
  );
}

// One struct: fields are { name, type, tag, doc }; each doc comment line breaks gofmt's alignment runs.
function struct(name, doc, fields) {
  const lines = [];
  const rows = [];
  for (const f of fields) {
    if (f.doc) {
      lines.push(`\t// ${oneLine(f.doc)}`);
      rows.push(null);
    }
    lines.push(null);
    rows.push(f.tag ? [f.name, f.type, `\`${f.tag}\``] : [f.name, f.type]);
  }
  const laid = align(rows, "\t");
  const body = lines.map((l, i) => l ?? laid[i]);
  return `// ${oneLine(doc)}\ntype ${name} struct${body.length ? ` {\n${body.join("\n")}\n}` : "{}"}\n`;
}

function constBlock(doc, pairs) {
  const laid = align(pairs.map(([k, v]) => [k, `= ${goStr(v)}`]), "\t");
  return `// ${oneLine(doc)}\nconst (\n${laid.join("\n")}\n)\n`;
}

// Prints the model's object definitions as Go structs, each before the structs it contains.
class Printer {
  // plainStrings: optional strings are plain (omitempty), for commands where "" is never a valid value.
  constructor(label, { plainStrings = false } = {}) {
    this.label = label;
    this.plainStrings = plainStrings;
    this.structs = new Map(); // Go name -> rendered struct
  }

  // Go type for a property; `optional` properties become pointers unless their zero value already means absent.
  typeOf(t, owner, key, optional) {
    if (t.def && HAND_WRITTEN.has(t.def)) return `*${t.def}`;
    if (t.kind === "union") throw new Error(`${this.label}: ${owner}.${key}: no Go type for this union`);
    if (t.nullable) return this.pointer(this.typeOf({ ...t, nullable: false }, owner, key, false));
    if (t.kind === "const" || t.kind === "enum") return optional && !this.plainStrings ? "*string" : "string";
    let base;
    switch (t.kind) {
      case "string":
        if (this.plainStrings) return "string";
        base = "string";
        break;
      case "integer":
        base = "int64";
        break;
      case "number":
        base = "float64";
        break;
      case "boolean":
        base = "bool";
        break;
      case "array":
        return `[]${this.typeOf(t.items, owner, key, false)}`;
      case "map":
        if (t.values.kind === "any") throw new Error(`${this.label}: ${owner}.${key}: object without properties`);
        return `map[string]${this.typeOf(t.values, owner, key, false)}`;
      case "object":
        base = this.addStruct(t.obj.def ?? `${owner}${goName(key)}`, t.obj);
        break;
      default:
        throw new Error(`${this.label}: ${owner}.${key}: no Go type for ${t.kind}`);
    }
    return optional ? this.pointer(base) : base;
  }

  pointer(type) {
    return type.startsWith("*") || type.startsWith("[]") ? type : `*${type}`;
  }

  // Plain struct whose fields mirror the definition's; `skip` names fields left out.
  addStruct(name, obj, { skip = [], docs = {} } = {}) {
    if (this.structs.has(name)) return name;
    this.structs.set(name, null); // reserve: nested types are rendered after their owner
    const fields = [];
    for (const f of obj.fields) {
      if (skip.includes(f.key)) continue;
      const optional = !f.required;
      const type = this.typeOf(f.type, name, f.key, optional);
      const doc = f.description ?? f.refDescription ?? docs[f.key];
      fields.push({ name: goName(f.key), type, tag: `json:"${f.key}${optional ? ",omitempty" : ""}"`, doc });
    }
    checkNames(name, fields);
    const doc = obj.description ? `${name}: ${obj.description}` : `${name} is defined in schema/${this.label}.`;
    this.structs.set(name, struct(name, doc, fields));
    return name;
  }
}

function checkNames(owner, fields) {
  const seen = new Set();
  for (const f of fields) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(f.name)) throw new Error(`${owner}: bad Go name ${f.name}`);
    if (seen.has(f.name)) throw new Error(`${owner}: two fields map to ${f.name}`);
    seen.add(f.name);
  }
}

// AscpEvent: every known field is a pointer chosen by its x-value kind; values kept as text go to Unparsed.
function ascpEvent(obj) {
  const fields = [];
  const names = [];
  const cases = [];
  for (const { key, value, type: t, description } of obj.fields) {
    let type;
    if (key === "type") type = "string";
    else if (value === "integer" || value === "rate" || (!value && t.kind === "integer")) type = "*int64";
    else if (value === "boolean") type = "*bool";
    else if (value === "path" || value === "string") type = "*string";
    else throw new Error(`AscpEvent.${key}: no Go type for x-value ${value}`);
    const name = goName(key);
    fields.push({ name, type, tag: `json:"${key}${key === "type" ? "" : ",omitempty"}"`, doc: description });
    if (key === "type") continue;
    names.push(key);
    cases.push(`\tcase ${goStr(key)}:\n\t\treturn &e.${name}`);
  }
  fields.push({
    name: "Unparsed",
    type: "map[string]string",
    tag: 'json:"-"',
    doc: "Unparsed holds known fields whose value stayed the text ascp sent (a value that does not parse as its type, or a rate given as a percentage such as 50%), by JSON name; their typed field is nil.",
  });
  fields.push({
    name: "Unknown",
    type: "map[string]string",
    tag: 'json:"-"',
    doc: "Unknown holds fields the schema does not name (ascp versions add fields), as strings, by JSON name.",
  });
  checkNames("AscpEvent", fields);
  return [
    struct("AscpEvent", `AscpEvent: ${obj.description}`, fields),
    `// ascpEventFields lists the JSON names of AscpEvent's typed fields besides type, in schema order.\nvar ascpEventFields = []string{\n${names.map((n) => `\t${goStr(n)},`).join("\n")}\n}\n`,
    `// field returns a pointer to the typed field for a JSON name (**int64, **bool or **string), or nil.\nfunc (e *AscpEvent) field(name string) any {\n\tswitch name {\n${cases.join("\n")}\n\t}\n\treturn nil\n}\n`,
  ];
}

export default async function generate({ model }) {
  const ev = new Printer("events.schema.json");
  const cmd = new Printer("commands.schema.json", { plainStrings: true });

  // Engine events are the oneOf members whose type is a const; the one without is the ascp event.
  if (model.events.ascp.def !== "AscpEvent") throw new Error(`events.schema.json: expected AscpEvent as the ascp event, got ${model.events.ascp.def}`);
  const kinds = model.events.engine.map((obj) => {
    const short = obj.def.replace(/Event$/, "");
    ev.addStruct(obj.def, obj, { docs: { type: `Type is always ${obj.typeConst}.` } });
    return { def: obj.def, short, constType: obj.typeConst, constName: `Type${short}` };
  });
  const commandDefs = model.commands.map((obj) => {
    cmd.addStruct(obj.def, obj, { skip: ["type"] });
    return { def: obj.def, constType: obj.typeConst };
  });
  for (const name of cmd.structs.keys()) {
    if (ev.structs.has(name)) throw new Error(`${name} is defined by both schemas`);
  }

  const eventFields = [
    { name: "Type", type: "string", doc: "Type is the event's type: ascp's own (INIT, STATS, ...) or one of the Type* constants." },
    { name: "Raw", type: "json.RawMessage", doc: "Raw is the line as asession printed it." },
    ...kinds.map((k) => ({ name: k.short, type: `*${k.def}`, doc: `${k.short} is set when Type is ${k.constType}.` })),
    { name: "Ascp", type: "*AscpEvent", doc: "Ascp is set for every other type: a frame from ascp." },
  ];
  checkNames("Event", eventFields);

  const decodeCases = kinds
    .map((k) => `\tcase ${k.constName}:\n\t\tev.${k.short} = new(${k.def})\n\t\terr = json.Unmarshal(ev.Raw, ev.${k.short})`)
    .join("\n");
  const decode = `// DecodeEvent decodes one line of asession's stdout. The line is copied into Raw; on a decoding error the
// returned Event still has Type and Raw.
func DecodeEvent(line []byte) (Event, error) {
\tvar head struct {
\t\tType *string \`json:"type"\`
\t}
\tif err := json.Unmarshal(line, &head); err != nil {
\t\treturn Event{}, fmt.Errorf("asession: event is not a JSON object: %w", err)
\t}
\tif head.Type == nil {
\t\treturn Event{}, errors.New("asession: event has no type")
\t}
\tev := Event{Type: *head.Type, Raw: append(json.RawMessage(nil), line...)}
\tvar err error
\tswitch ev.Type {
${decodeCases}
\tdefault:
\t\tev.Ascp = new(AscpEvent)
\t\terr = json.Unmarshal(ev.Raw, ev.Ascp)
\t}
\tif err != nil {
\t\treturn ev, fmt.Errorf("asession: %s event: %w", ev.Type, err)
\t}
\treturn ev, nil
}
`;

  const marshalers = commandDefs.map(
    ({ def, constType }) => `// MarshalJSON writes the command with "type":${goStr(constType)}.
func (c ${def}) MarshalJSON() ([]byte, error) {
\ttype plain ${def}
\treturn json.Marshal(struct {
\t\tType string \`json:"type"\`
\t\tplain
\t}{${goStr(constType)}, plain(c)})
}
`,
  );

  const parts = [
    "// Code generated by schema/codegen/gen-go.mjs from schema/events.schema.json and schema/commands.schema.json; DO NOT EDIT.\n",
    "package asession\n",
    'import (\n\t"encoding/json"\n\t"errors"\n\t"fmt"\n)\n',
    constBlock(
      "Types of asession's own events (ascp never sends them).",
      kinds.map((k) => [k.constName, k.constType]),
    ),
    struct("Event", "Event is one line of asession's stdout: Type and Raw always, and the decoded form in the field that matches Type.", eventFields),
    decode,
    ...ascpEvent(model.events.ascp),
    ...[...ev.structs.values()],
    ...[...cmd.structs.values()],
    ...marshalers,
  ];
  return [{ path: OUT, content: parts.join("\n") }];
}
