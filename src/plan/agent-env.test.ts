import { describe, expect, it } from "vitest";
import { agentExtras, type MachineView } from "./agent-env.js";

const machine = (dirs: string[], files: string[]): MachineView => ({
  isDirectory: (p) => dirs.includes(p),
  isFile: (p) => files.includes(p),
});
const RSA = "/sdk/aspera_bypass_rsa.pem";

describe("agentExtras", () => {
  it.each([
    ["no options", {}, {}, machine([], []), { env: {}, args: [] }],
    ["trusted_certs: a file and folders", { trusted_certs: ["/c/ca.pem", "/d1", "/d2"] }, {}, machine(["/d1", "/d2"], ["/c/ca.pem"]), { env: { SSL_CERT_FILE: "/c/ca.pem", SSL_CERT_DIR: "/d1:/d2" }, args: [] }],
    ["trusted_certs: null is ascp's default", { trusted_certs: null }, {}, machine([], []), { env: {}, args: [] }],
    ["token auth: the SDK's rsa bypass key", {}, { token: "Bearer x" }, machine([], [RSA]), { env: {}, args: ["-i", RSA] }],
    ["token auth: dsa_rsa, keys in ../etc", { client_ssh_key: "dsa_rsa" }, { token: "t" }, machine([], ["/etc/asperaweb_id_dsa.openssh", "/sdk/aspera_tokenauth_id_rsa"]), { env: {}, args: ["-i", "/etc/asperaweb_id_dsa.openssh", "-i", "/sdk/aspera_tokenauth_id_rsa"] }],
    // As aspera-cli: a key file of the user's gets the bypass keys too (ascp tries each -i).
    ["token auth with the user's key file: bypass keys too", {}, { token: "t", ssh_private_key_path: "/k" }, machine([], [RSA]), { env: {}, args: ["-i", RSA] }],
    ["token auth with the user's key text: no bypass key", {}, { token: "t", ssh_private_key: "KEY" }, machine([], [RSA]), { env: {}, args: [] }],
    ["token auth with a password: no bypass key", {}, { token: "t", remote_password: "p" }, machine([], [RSA]), { env: {}, args: [] }],
    ["password auth: no bypass key", {}, { remote_password: "p" }, machine([], [RSA]), { env: {}, args: [] }],
  ] as const)("%s", (_, agent, spec, view, expected) => {
    const extras = agentExtras(agent as never, spec, "/sdk/ascp", view);
    expect({ env: extras.env, args: extras.args }).toEqual(expected);
    expect(extras.warnings).toEqual([]);
    expect(extras.origins).toEqual(extras.args.map(() => "agent.client_ssh_key"));
  });

  it("adds no bypass key over WSS (no SSH session), like aspera-cli", () => {
    expect(agentExtras({}, { token: "t" }, "/sdk/ascp", machine([], [RSA]), true)).toMatchObject({ args: [], warnings: [] });
  });

  it("over WSS gives the first trusted certificate store as -i too, like aspera-cli", () => {
    const extras = agentExtras({ trusted_certs: ["/c/ca.pem", "/d1"] }, { token: "t" }, "/sdk/ascp", machine(["/d1"], ["/c/ca.pem", RSA]), true);
    expect(extras).toMatchObject({ env: { SSL_CERT_FILE: "/c/ca.pem", SSL_CERT_DIR: "/d1" }, args: ["-i", "/c/ca.pem"], origins: ["agent.trusted_certs", "agent.trusted_certs"] });
  });

  it.each([
    ["no key file found: names every place looked", {}, /no SSH bypass key found \(looked for \/sdk\/aspera_bypass_rsa\.pem, \/etc\/aspera_bypass_rsa\.pem, \/sdk\/aspera_tokenauth_id_rsa, \/etc\/aspera_tokenauth_id_rsa\): ascp will fail to authenticate/],
    ["client_ssh_key none", { client_ssh_key: "none" }, /client_ssh_key is none/],
  ] as const)("token only, %s: a warning", (_, agent, message) => {
    const extras = agentExtras(agent as never, { token: "t" }, "/sdk/ascp", machine([], []));
    expect(extras.args).toEqual([]);
    expect(extras.warnings).toEqual([{ code: "no_bypass_key", key: "token", message: expect.stringMatching(message) }]);
  });

  it.each([
    ["http_fallback true, both files: -Y key -I cert", { http_fallback: true }, ["/sdk/aspera_fallback_cert_private_key.pem", "/sdk/aspera_fallback_cert.pem"], ["-Y", "/sdk/aspera_fallback_cert_private_key.pem", "-I", "/sdk/aspera_fallback_cert.pem"]],
    ["http_fallback force, files in ../etc", { http_fallback: "force" }, ["/etc/aspera_fallback_cert_private_key.pem", "/etc/aspera_fallback_cert.pem"], ["-Y", "/etc/aspera_fallback_cert_private_key.pem", "-I", "/etc/aspera_fallback_cert.pem"]],
    ["http_fallback true, only the key: nothing", { http_fallback: true }, ["/sdk/aspera_fallback_cert_private_key.pem"], []],
    ["http_fallback false: nothing", { http_fallback: false }, ["/sdk/aspera_fallback_cert_private_key.pem", "/sdk/aspera_fallback_cert.pem"], []],
  ])("%s", (_, spec, files, args) => {
    const extras = agentExtras({}, spec, "/sdk/ascp", machine([], files));
    expect(extras.args).toEqual(args);
    expect(extras.origins).toEqual(args.map(() => "spec.http_fallback"));
  });

  it("token only with the user's key file and no bypass key: no warning", () => {
    expect(agentExtras({}, { token: "t", ssh_private_key_path: "/k" }, "/sdk/ascp", machine([], [])).warnings).toEqual([]);
  });
});
