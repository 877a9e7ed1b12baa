import { describe, test, expect } from "vitest";
import { parseArgs, parseRate, salvageMgmt, UsageError } from "../lib/args.mjs";
import { encodeFrame, escapePath, unescapePath, FrameParser } from "../lib/frames.mjs";

describe("command line", () => {
  test("short options take glued or separate values, switches cluster", () => {
    const { opts, positionals } = parseArgs(["-M1234", "-l", "8000", "-k1", "-QT", "-DDL-", "-qd", "-u", "id", "src", "dst"]);
    expect(opts.mgmt).toEqual({ host: "127.0.0.1", port: 1234, shown: "localhost" });
    expect(opts.rate).toBe(8000);
    expect(opts.resume).toBe(1);
    expect(opts.fairQueue && opts.noEncryption && opts.quiet && opts.createDir).toBe(true);
    expect(opts.debug).toBe(2);
    expect(opts.localLog).toBe("-");
    expect(opts.userStr).toBe("id");
    expect(positionals).toEqual(["src", "dst"]);
  });

  test("long options with = or a separate value; base64 values decoded", () => {
    const b64 = Buffer.from("/pre/fix").toString("base64");
    const { opts } = parseArgs(["--mode", "recv", "--host=h", "--user=u", `--source-prefix64=${b64}`, "--overwrite", "always", "--keepalive", "-SSH", "x"]);
    expect(opts).toMatchObject({ mode: "recv", host: "h", user: "u", sourcePrefix: "/pre/fix", overwrite: "always", keepalive: true, externalSsh: true });
  });

  test("age filters take a negative value (seconds back from now); --precalculate-disable is known", () => {
    expect(parseArgs(["--exclude-newer-than", "-86400", "--exclude-older-than=1700000000", "--precalculate-disable", "d"]).opts).toMatchObject({
      excludeNewerThan: -86400,
      excludeOlderThan: 1700000000,
      precalcDisable: true,
    });
    expect(() => parseArgs(["--exclude-newer-than", "-1d", "d"])).toThrow(UsageError);
  });

  test("-M host:port, -C i:N, rates with suffixes and percentages", () => {
    expect(parseArgs(["-M", "localhost:99"]).opts.mgmt).toEqual({ host: "localhost", port: 99, shown: "localhost" });
    expect(parseArgs(["-M", "[::1]:99"]).opts.mgmt).toEqual({ host: "::1", port: 99, shown: "[::1]" });
    expect(parseArgs(["-C", "2:3"]).opts.cluster).toEqual({ index: 2, count: 3 });
    expect(parseRate("100m")).toBe(100000);
    expect(parseRate("2G")).toBe(2000000);
    expect(parseRate("50K")).toBe(50);
    expect(parseRate("50%")).toBe("50%");
    expect(parseArgs(["-c", "aes-256-gcm"]).opts.cipher).toBe("aes-256-gcm");
    expect(parseArgs(["-@", "10:"]).opts.byteRange).toEqual({ start: 10, end: null });
  });

  test.each([
    [["--nope"], /unknown option --nope/],
    [["-J"], /unknown option -J/],
    [["-M"], /-M needs a value/],
    [["-M", "x:y"], /port or host:port/],
    [["-k", "4"], /out of range/],
    [["-l", "fast"], /not a rate/],
    [["--mode=upload"], /must be one of/],
    [["--keepalive=yes"], /takes no value/],
    [["-C", "3:2"], /1 <= i <= N/],
    [["--tags64", Buffer.from("[1]").toString("base64")], /JSON object/],
    [["--mode"], /needs a value/],
  ])("usage error for %j", (argv, re) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(re);
  });

  test("salvage finds -M and -u in a bad command line", () => {
    expect(salvageMgmt(["--bad", "-M55", "-u", "me"])).toEqual({ target: { host: "127.0.0.1", port: 55, shown: "localhost" }, userStr: "me" });
  });
});

describe("frames", () => {
  test("encoding: header, Type first, fields in the given order, escaped paths, blank line", () => {
    expect(encodeFrame("STOP", { Size: 3, File: "a\nb", Skip: undefined, Loss: 0 })).toBe("FASPMGR 2\nType: STOP\nSize: 3\nFile: a\x1bnb\nLoss: 0\n\n");
  });

  test("escaping round-trips CR, LF and ESC", () => {
    const p = "/dir\nwith\rspecial\x1b/file";
    expect(escapePath(p)).toBe("/dir\x1bnwith\x1brspecial\x1b\x1b/file");
    expect(unescapePath(escapePath(p))).toBe(p);
    expect(unescapePath("a\x1bxb")).toBe("a\x1bxb");
  });

  test("parser: fragments, first colon, one space, CRLF, junk", () => {
    const p = new FrameParser();
    expect(p.feed("FASPMGR 2\nType: RA").frames).toEqual([]);
    const { frames } = p.feed("TE\nRate:  20\nDescription: a: b\r\nEmpty:\n\n");
    expect(frames[0].frame).toEqual({ Type: "RATE", Rate: " 20", Description: "a: b", Empty: "" });
    const r = p.feed("garbage\nFASPMGR 2\nType: X\nFASPMGR 2\nType: CANCEL\n\nFASPMGR 2\nType: Y\nnocolon\n\n");
    expect(r.frames.map((f) => f.frame.Type)).toEqual(["CANCEL"]);
    expect(r.junk.map((j) => j.reason)).toEqual(["line outside a frame", "frame cut by a new header", expect.stringMatching(/without a field name/)]);
  });

  test("parser: an endless line is dropped, not buffered forever", () => {
    const p = new FrameParser();
    const r = p.feed(`FASPMGR 2\nType: RATE\nRate: ${"9".repeat(1_100_000)}`);
    expect(r.junk[0].reason).toMatch(/longer than/);
    expect(p.feed("\n\nFASPMGR 2\nType: CANCEL\n\n").frames.map((f) => f.frame.Type)).toEqual(["CANCEL"]);
  });
});
