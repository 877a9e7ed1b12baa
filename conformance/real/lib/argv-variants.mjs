// Session specs that exercise every option the planner can emit, read from the schemas so that a new key, alias,
// value form or agent option is picked up without editing this file: every transfer-spec property and every
// agent option, with each enum value, each boolean, each branch of a oneOf/anyOf/type list, and one sample
// value otherwise. Plain Node, pure (no I/O): run.mjs plans each spec with the engine's --dry-run and keeps the
// ones whose argv or environment differs from the base spec's.
//
// The sample values below are the only hand-written part: a value ascp can take (an existing key file, a port,
// a path), so that a refusal says something about the option, not about a made-up value.

/** Placeholders run.mjs replaces (fill): a closed local TCP port, an SSH key file, a source file, a folder. */
const CLOSED_PORT = '${CLOSED_PORT}';
const KEY_FILE = '${KEY_FILE}';
const SOURCE_FILE = '${SOURCE_FILE}';
const FOLDER = '${FOLDER}';

/** Values per key where a generic sample would not be a value a user would give. */
const SAMPLES = {
  spec: {
    ssh_port: [CLOSED_PORT],
    wss_port: [CLOSED_PORT],
    fasp_port: [33001],
    multi_session: [2],
    dgram_size: [1400],
    target_rate_kbps: [10000],
    min_rate_kbps: [100],
    multi_session_threshold: [1048576],
    ssh_private_key_path: [KEY_FILE],
    move_after_transfer: [FOLDER],
    source_root: [FOLDER],
    src_base: [FOLDER],
    sshfp: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    proxy: [`dnat://127.0.0.1:${CLOSED_PORT}`],
    ssh_args: [['-oBatchMode=yes']],
    tags: [{ aspera: { xfer_retry: 3600 } }, { aspera: { xfer_id: 'c8b5b1d2-5f40-4d4e-9c55-4c9ae1a4bb11' } }],
    paths: [[{ source: SOURCE_FILE, destination: 'renamed.txt' }]],
    exclude_newer_than: [-86400, '-86400'],
    exclude_older_than: [-86400, '-86400'],
  },
  agent: {
    // Always the ascp under test.
    ascp_path: [],
    ascp_args: [['-u', 'asession-real-tag']],
    file_list: [{ path: '${FILE_LIST}' }, { path: '${FILE_PAIR_LIST}', pairs: true }],
  },
};

/** Keys a value of another key needs to mean anything (ascp would otherwise not see the option). */
const COMPANIONS = {
  spec: {
    wss_enabled: { wss_port: CLOSED_PORT },
    wss_port: { wss_enabled: true },
    content_protection: { content_protection_password: 'asession-real-filepass' },
    https_fallback_port: { http_fallback: true },
    http_fallback_port: { http_fallback: true, cipher: 'none' },
  },
  agent: {
    wss: { _spec: { wss_enabled: true, wss_port: CLOSED_PORT } },
    multi_incr_udp: { _spec: { multi_session: 2 } },
  },
};

function samplesOf(prop) {
  if (!prop || typeof prop !== 'object') return [];
  if ('const' in prop) return [prop.const];
  if (Array.isArray(prop.enum)) return [...prop.enum];
  const branches = prop.oneOf ?? prop.anyOf;
  if (Array.isArray(branches)) return branches.flatMap(samplesOf);
  const types = Array.isArray(prop.type) ? prop.type : [prop.type];
  return types.flatMap((t) => {
    switch (t) {
      case 'boolean': return [true, false];
      case 'integer': case 'number': return [prop.minimum !== undefined && prop.minimum > 1 ? prop.minimum : 1000];
      case 'string': return ['asession-real'];
      case 'array': return [samplesOf(prop.items).slice(0, 1)];
      case 'object': return [{}];
      case 'null': return [null];
      default: return [];
    }
  });
}

const seen = (list, v) => list.some((x) => JSON.stringify(x) === JSON.stringify(v));

/**
 * One variant per (key, value): { id, spec, agent } with the key set on top of `base`. `where` is 'spec' or
 * 'agent'. Keys of the agent schema that only tune the engine (timeouts, retries) change no argv and are
 * dropped later by run.mjs, not here.
 */
export function variants(transferSchema, agentSchema, base) {
  const out = [];
  const add = (where, key, value) => {
    const spec = { ...base.spec };
    const agent = { ...base.agent };
    const companions = COMPANIONS[where][key] ?? {};
    if (where === 'spec') {
      Object.assign(spec, companions, { [key]: value });
      // A persistent session takes no paths; a pair list of paths replaces the base's.
      if (key === 'keepalive' && value === true) delete spec.paths;
    } else {
      Object.assign(spec, companions._spec ?? {});
      agent[key] = value;
      if (key === 'file_list' && value !== null && typeof value === 'object') delete spec.paths;
    }
    out.push({ id: `${where}.${key}=${JSON.stringify(value)}`, where, key, spec, agent });
  };
  for (const [where, schema] of [['spec', transferSchema], ['agent', agentSchema]]) {
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const values = [];
      for (const v of SAMPLES[where][key] ?? samplesOf(prop)) if (!seen(values, v)) values.push(v);
      for (const v of values) add(where, key, v);
    }
  }
  return out;
}

/** Replaces the placeholders anywhere in a JSON value. */
export function fill(value, vars) {
  return JSON.parse(JSON.stringify(value), (_, v) => {
    if (typeof v !== 'string') return v;
    for (const [name, to] of Object.entries(vars)) {
      if (v === `\${${name}}`) return to;
      v = v.split(`\${${name}}`).join(String(to));
    }
    return v;
  });
}
