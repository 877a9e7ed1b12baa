// ascp's stderr when it exits before connecting: the line quoted in RESULT and the argv options it is about.
// The stderr lines are ascp 3.9's own (conformance/real, argv tier).
import { describe, expect, it } from "vitest";
import { commandLineComplaint } from "./ascp-complaint.js";

const argv = ["-M", "41000", "-u", "n", "-q", "--mode", "send", "--host", "127.0.0.1", "--user", "x", "-P", "1", "-Z", "1", "-c", "aes128gcm",
  "--remove-skipped", "--preserve-acls", "native", "--dest64", "--file-list", "/tmp/l", "L3RtcC9k"];

describe("commandLineComplaint", () => {
  it.each<[string, string, string[]]>([
    ["unrecognized option `--remove-skipped'\n", "unrecognized option `--remove-skipped'", ["--remove-skipped"]],
    ["ascp: Option --preserve-acls=native not supported on this platform\n", "ascp: Option --preserve-acls=native not supported on this platform", ["--preserve-acls"]],
    ["ascp: argument to -Z must be in the range 296..65535.\n", "ascp: argument to -Z must be in the range 296..65535.", ["-Z"]],
    // No option named: the value it quotes points at its option.
    ["ascp: Unrecognized transport encryption type: aes128gcm\n", "ascp: Unrecognized transport encryption type: aes128gcm", ["-c"]],
    // The first line that names an option wins over a generic one before it.
    ["Startup failed\nunrecognized option `--remove-skipped'\n", "unrecognized option `--remove-skipped'", ["--remove-skipped"]],
    // Nothing of argv named: the first line, with no option.
    ["ascp: sources not allowed in keepalive mode \nStartup failed, exit\n", "ascp: sources not allowed in keepalive mode", []],
    // -P's value 1 is too short to be searched for; -M's port is found (the engine's own option).
    ["ascp: required management connection to port localhost:41000 failed.\n\nascp: failed to connect to management socket, exiting.\n", "ascp: required management connection to port localhost:41000 failed.", ["-M"]],
  ])("%j", (stderr, line, options) => {
    expect(commandLineComplaint(stderr, argv)).toEqual({ line, options });
  });

  it("is null without any stderr text", () => {
    expect(commandLineComplaint("", argv)).toBeNull();
    expect(commandLineComplaint("\n  \n", argv)).toBeNull();
  });

  it("does not take an option for a longer one that starts with it", () => {
    expect(commandLineComplaint("unrecognized option `--remove-skipped-x'", argv)!.options).toEqual([]);
  });

  it("clips a very long line", () => {
    const c = commandLineComplaint(`ascp: ${"y".repeat(1000)}`, argv)!;
    expect(c.line.length).toBeLessThanOrEqual(301);
    expect(c.line.endsWith("…")).toBe(true);
  });
});
