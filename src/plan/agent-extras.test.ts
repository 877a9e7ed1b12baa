import { describe, expect, it } from "vitest";
import { planAgentExtras, planTransfer } from "./plan.js";

const ctx = { xferId: "11111111-2222-3333-4444-555555555555" };
const machine = (files: string[], dirs: string[] = []) => ({ isFile: (p: string) => files.includes(p), isDirectory: (p: string) => dirs.includes(p) });

describe("planAgentExtras: the planner places what depends on the machine", () => {
  it("puts bypass keys before --dest64 and certificates in the environment", () => {
    const session = { spec: { direction: "send", remote_host: "h", token: "Bearer t", paths: [{ source: "a" }] }, agent: { trusted_certs: ["/c.pem", "/certs"] } };
    const plan = planTransfer(session, ctx);
    const { plan: done, warnings } = planAgentExtras(plan, session, "/sdk/ascp", machine(["/sdk/aspera_bypass_rsa.pem", "/c.pem"], ["/certs"]));
    expect(done.args.slice(-3)).toEqual(["-i", "/sdk/aspera_bypass_rsa.pem", "--dest64"]);
    expect(done.env).toMatchObject({ SSL_CERT_FILE: "/c.pem", SSL_CERT_DIR: "/certs", ASPERA_SCP_TOKEN: "Bearer t" });
    expect(warnings).toEqual([]);
    expect(plan.args.at(-1)).toBe("--dest64"); // the input plan is left alone
  });

  it("warns when several certificate files are given (ascp reads one)", () => {
    const session = { spec: { direction: "send", remote_host: "h", paths: [{ source: "a" }] }, agent: { trusted_certs: ["/a.pem", "/b.pem"] } };
    const { warnings } = planAgentExtras(planTransfer(session, ctx), session, "/x/ascp", machine(["/a.pem", "/b.pem"]));
    expect(warnings).toEqual([expect.stringContaining("only the first is used")]);
  });
});
