import { describe, expect, it } from "vitest";
import { agentExtras, type MachineView } from "./agent-env.js";

const machine = (dirs: string[], files: string[]): MachineView => ({
  isDirectory: (p) => dirs.includes(p),
  isFile: (p) => files.includes(p),
});

describe("agentExtras", () => {
  it.each([
    ["no options", {}, {}, machine([], []), { env: {}, args: [] }],
    ["trusted_certs: a file and folders", { trusted_certs: ["/c/ca.pem", "/d1", "/d2"] }, {}, machine(["/d1", "/d2"], ["/c/ca.pem"]), { env: { SSL_CERT_FILE: "/c/ca.pem", SSL_CERT_DIR: "/d1:/d2" }, args: [] }],
    ["trusted_certs: null is ascp's default", { trusted_certs: null }, {}, machine([], []), { env: {}, args: [] }],
    ["token auth: the SDK's rsa bypass key", {}, { token: "Bearer x" }, machine([], ["/sdk/aspera_bypass_rsa.pem"]), { env: {}, args: ["-i", "/sdk/aspera_bypass_rsa.pem"] }],
    ["token auth: dsa_rsa, keys in ../etc", { client_ssh_key: "dsa_rsa" }, { token: "t" }, machine([], ["/etc/asperaweb_id_dsa.openssh", "/sdk/aspera_tokenauth_id_rsa"]), { env: {}, args: ["-i", "/etc/asperaweb_id_dsa.openssh", "-i", "/sdk/aspera_tokenauth_id_rsa"] }],
    ["token auth, client_ssh_key none", { client_ssh_key: "none" }, { token: "t" }, machine([], ["/sdk/aspera_bypass_rsa.pem"]), { env: {}, args: [] }],
    ["token auth with the user's own key", {}, { token: "t", ssh_private_key_path: "/k" }, machine([], ["/sdk/aspera_bypass_rsa.pem"]), { env: {}, args: [] }],
    ["password auth: no bypass key", {}, { remote_password: "p" }, machine([], ["/sdk/aspera_bypass_rsa.pem"]), { env: {}, args: [] }],
  ] as const)("%s", (_, agent, spec, view, expected) => {
    expect(agentExtras(agent as never, spec, "/sdk/ascp", view)).toEqual(expected);
  });
});
