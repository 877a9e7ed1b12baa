// ascp's stderr when it exits before connecting: the line quoted in RESULT and the argv options it is about.
// The stderr lines are ascp 3.9's own (conformance/real, argv tier).
import { describe, expect, it } from "vitest";
import { commandLineComplaint, exitedEarlyMessage, refusalText, type ExitedEarly } from "./ascp-complaint.js";

const argv = ["-M", "41000", "-u", "n", "-q", "--mode", "send", "--host", "127.0.0.1", "--user", "x", "-P", "1", "-Z", "1", "-c", "aes128gcm",
  "--remove-skipped", "--preserve-acls", "native", "--dest64", "--file-list", "/tmp/l", "L3RtcC9k"];
/** Where each argv item came from, as the plan records it. */
const origins = ["engine", "engine", "engine", "engine", "agent.quiet", "spec.direction", "spec.direction", "spec.remote_host", "spec.remote_host",
  "spec.remote_user", "spec.remote_user", "spec.ssh_port", "spec.ssh_port", "spec.dgram_size", "spec.dgram_size", "spec.cipher", "spec.cipher",
  "spec.remove_skipped", "spec.preserve_acls", "spec.preserve_acls", "spec.destination_root", "spec.paths", "spec.paths", "spec.destination_root"];
const optionsOf = (c: { at: number[] } | null) => c?.at.map((i) => argv[i]);

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
    const c = commandLineComplaint(stderr, argv);
    expect(c?.line).toBe(line);
    expect(optionsOf(c)).toEqual(options);
  });

  it("is null without any stderr text", () => {
    expect(commandLineComplaint("", argv)).toBeNull();
    expect(commandLineComplaint("\n  \n", argv)).toBeNull();
  });

  it("does not take an option for a longer one that starts with it", () => {
    expect(optionsOf(commandLineComplaint("unrecognized option `--remove-skipped-x'", argv))).toEqual([]);
  });

  it("clips a very long line", () => {
    const c = commandLineComplaint(`ascp: ${"y".repeat(1000)}`, argv)!;
    expect(c.line.length).toBeLessThanOrEqual(301);
    expect(c.line.endsWith("…")).toBe(true);
  });
});

describe("exitedEarlyMessage: what RESULT says when ascp ended without a connection the engine took", () => {
  const other = { reason: "it does not belong to the ascp process we started", couldBeAscp: false };
  const unproved = { reason: "its INIT has no UserStr; this system cannot tie a connection to ascp's process", couldBeAscp: true };
  const base: ExitedEarly = { exit: "exit status 1", stderr: "", argv, origins, refused: [] };

  it.each<[string, Partial<ExitedEarly>, string]>([
    ["nothing printed, nothing refused", {}, "ascp exited (exit status 1) before connecting to the management port"],
    [
      "an option of the spec refused: ascp's line, the key",
      { stderr: "unrecognized option `--remove-skipped'\n" },
      `ascp refused its command line (exit status 1): "unrecognized option \`--remove-skipped'" (--remove-skipped comes from spec.remove_skipped)`,
    ],
    [
      "a value refused: the option before it, the key",
      { stderr: "ascp: argument to -Z must be in the range 296..65535.\n" },
      `ascp refused its command line (exit status 1): "ascp: argument to -Z must be in the range 296..65535." (-Z comes from spec.dgram_size)`,
    ],
    [
      "a line about the engine's own -M is quoted, not called a refusal of the user's options",
      { stderr: "ascp: required management connection to port localhost:41000 failed.\n" },
      `ascp exited (exit status 1) before connecting to the management port: "ascp: required management connection to port localhost:41000 failed."`,
    ],
    [
      "a connection proved to be another process's does not change the story, it is added",
      { stderr: "unrecognized option `--remove-skipped'", refused: [other] },
      `ascp refused its command line (exit status 1): "unrecognized option \`--remove-skipped'" (--remove-skipped comes from spec.remove_skipped); refused meanwhile: ${other.reason}`,
    ],
    [
      "a refused connection that may have been ascp's comes first, never 'before connecting'",
      { exit: "signal SIGPIPE", refused: [unproved] },
      `ascp exited (signal SIGPIPE) after the engine refused a management connection it could not prove to be ascp's: ${unproved.reason}`,
    ],
    [
      "…with what ascp printed",
      { refused: [unproved, other], stderr: "ascp: management connection closed\n" },
      `ascp exited (exit status 1) after the engine refused a management connection it could not prove to be ascp's: ${unproved.reason}; ascp said "ascp: management connection closed"; refused meanwhile: ${other.reason}`,
    ],
  ])("%s", (_, change, expected) => {
    expect(exitedEarlyMessage({ ...base, ...change })).toBe(expected);
  });

  it("refusalText: one reason, or the count and the first", () => {
    expect(refusalText([other])).toBe(other.reason);
    expect(refusalText([unproved, other])).toBe(`2 connections, the first because ${unproved.reason}`);
  });
});
