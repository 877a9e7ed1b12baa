import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FrameParser, type Frame } from "./frame-parser.js";
import { parseInteger, typeFrame } from "./typing.js";

const TRANSCRIPTS = "/work/shared/reference/transcripts";

const frame = (...pairs: [string, string][]): Frame => ({ names: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) });

/** Typed events of a text; every frame must parse without warnings. */
function events(text: string): unknown[] {
  const out: unknown[] = [];
  const parser = new FrameParser({
    onFrame: (f) => out.push(typeFrame(f.toFrame())),
    onWarning: (w) => {
      throw new Error(w.message);
    },
  });
  parser.push(Buffer.from(text));
  parser.end();
  return out;
}

/** COS strings carry no empty line: give each its terminator, as a real stream would. */
const cosEvents = (file: string): unknown[] =>
  events(readFileSync(`${TRANSCRIPTS}/${file}`, "utf8").replaceAll(/\n(?=FASPMGR)|\n$/g, "\n\n"));

describe("parseInteger", () => {
  it.each<[string, number | string]>([
    ["0", 0],
    ["42", 42],
    ["-7", -7],
    ["007", 7],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", "9007199254740992"],
    ["18446744073709551615", "18446744073709551615"],
    ["", ""],
    ["-", "-"],
    ["+1", "+1"],
    ["1.5", "1.5"],
    ["1e3", "1e3"],
    [" 1", " 1"],
    ["1 ", "1 "],
    ["50%", "50%"],
    ["n/a", "n/a"],
    ["０", "０"],
  ])("%j → %j", (text, value) => {
    expect(parseInteger(text)).toBe(value);
  });
});

describe("typeFrame", () => {
  it.each<[string, Frame, Record<string, unknown>]>([
    ["integer fields", frame(["Type", "STATS"], ["Size", "999"], ["Code", "41"], ["Elapsedusec", "12"]), { type: "STATS", size: 999, code: 41, elapsed_usec: 12 }],
    ["integer field that is not one stays a string", frame(["Type", "STATS"], ["Size", "n/a"], ["Loss", ""]), { type: "STATS", size: "n/a", loss: "" }],
    ["huge integer stays a string", frame(["Type", "STATS"], ["FileBytes", "18446744073709551615"]), { type: "STATS", file_bytes: "18446744073709551615" }],
    ["rate: kbps or percentage", frame(["Type", "SESSION"], ["Rate", "700000"], ["MinRate", "50%"], ["RateCap", "x"]), { type: "SESSION", rate: 700000, min_rate: "50%", rate_cap: "x" }],
    ["booleans", frame(["Type", "SESSION"], ["Encryption", "Yes"], ["Remote", "No"], ["Stalled", "yes"]), { type: "SESSION", encryption: true, remote: false, stalled: "yes" }],
    ["paths unescaped", frame(["Type", "STOP"], ["File", "/a\x1bnb\x1b\x1bc\x1bx"], ["Source", "s\x1br"]), { type: "STOP", file: "/a\nb\x1bc\x1bx", source: "s\r" }],
    ["strings kept, including numeric-looking ones", frame(["Type", "INIT"], ["SessionId", "123456789"], ["UserStr", "42"]), { type: "INIT", session_id: "123456789", user_str: "42" }],
    ["exceptions of the naming rule", frame(["Type", "STATS"], ["Bytescont", "5"], ["DSPipelineDepth", "32"]), { type: "STATS", bytes_cont: 5, ds_pipeline_depth: 32 }],
    ["unknown fields pass through as strings", frame(["Type", "NOTIFICATION"], ["Priorty", "2"], ["NewThingCount", "3"]), { type: "NOTIFICATION", priorty: "2", new_thing_count: "3" }],
    ["type first even when Type is not", frame(["Size", "1"], ["Type", "STOP"]), { type: "STOP", size: 1 }],
    ["repeated field: last value, first position", frame(["Type", "STATS"], ["Size", "1"], ["Loss", "0"], ["Size", "2"]), { type: "STATS", size: 2, loss: 0 }],
    ["unknown Type passes through", frame(["Type", "FUTURE"]), { type: "FUTURE" }],
  ])("%s", (_name, input, expected) => {
    const event = typeFrame(input);
    expect(event).toEqual(expected);
    expect(Object.keys(event)).toEqual(Object.keys(expected));
  });
});

describe("typeFrame: shapes", () => {
  it("frames sharing a names array are typed independently", () => {
    const names = ["Type", "Size", "Rate"];
    expect(typeFrame({ names, values: ["STATS", "1", "50%"] })).toEqual({ type: "STATS", size: 1, rate: "50%" });
    expect(typeFrame({ names, values: ["STATS", "x", "7"] })).toEqual({ type: "STATS", size: "x", rate: 7 });
  });

  it("changing a returned event does not leak into the next one of the same shape", () => {
    const names = ["Type", "Size"];
    const first = typeFrame({ names, values: ["STATS", "1"] });
    first.session_index = 3;
    first.size = 99;
    const second = typeFrame({ names, values: ["STATS", "2"] });
    expect(second).toEqual({ type: "STATS", size: 2 });
    expect(Object.keys(second)).toEqual(["type", "size"]);
  });

  it("a field named __proto__ becomes an own property, not a prototype", () => {
    const names = ["Type", "__proto__", "Size"];
    for (let round = 0; round < 2; round++) {
      const event = typeFrame({ names, values: ["X", "v", "1"] });
      expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
      expect(JSON.stringify(event)).toBe('{"type":"X","__proto__":"v","size":1}');
    }
  });
});

describe("typed transcripts", () => {
  it.each<[string, unknown]>([
    ["go-evt-init.txt", { type: "INIT", session_id: "123456789", direction: "Send", user_str: "testId", operation: "Transfer" }],
    [
      "go-evt-session.txt",
      {
        type: "SESSION", rate: 9999, min_rate: 1, encryption: true, adaptive: "Fixed", direction: "Send", port: 12345, remote: true,
        source: "source.txt", destination: "destination.txt", priority: 2, server_node_id: "servNodeId", client_node_id: "clientNodeId",
        server_cluster_id: "servClusterId", client_cluster_id: "clientClusterId",
      },
    ],
    ["go-evt-notification.txt", { type: "NOTIFICATION", rate: 15000, min_rate: 10000, pmtu: 1492, priorty: "2" }],
    ["go-evt-stats.txt", { type: "STATS", file: "some-file.txt", size: 999, loss: 100, transfer_bytes: 500, file_bytes: 600, delay: 10 }],
    [
      "go-evt-stop.txt",
      { type: "STOP", file: "some-file.txt", size: 1000, written: 1000, loss: 1, file_checksum: "123456789", file_checksum_type: "md5" },
    ],
    ["go-evt-skip.txt", { type: "SKIP", file: "afile.txt" }],
    ["go-evt-fileerror.txt", { type: "FILEERROR", code: 41, description: "bad file", file: "badFile.txt" }],
    [
      "go-evt-done.txt",
      {
        type: "DONE", arg_scans_attempted: 1, arg_scans_completed: 1, path_scans_attempted: 1, path_scans_failed: 1,
        path_scans_irregular: 1, path_scans_excluded: 1, transfers_attempted: 1, transfers_failed: 1, transfers_passed: 1,
        transfers_skipped: 1,
      },
    ],
    [
      "go-evt-error.txt",
      {
        type: "ERROR", code: 1, description: "sess error", arg_scans_attempted: 1, arg_scans_completed: 1, path_scans_attempted: 1,
        path_scans_failed: 1, path_scans_irregular: 1, path_scans_excluded: 1, transfers_attempted: 1, transfers_failed: 1,
        transfers_passed: 1, transfers_skipped: 1,
      },
    ],
  ])("%s", (file, expected) => {
    const typed = events(readFileSync(`${TRANSCRIPTS}/${file}`, "utf8"));
    expect(typed).toEqual([expected]);
    expect(JSON.stringify(typed[0])).toBe(JSON.stringify(expected));
  });

  const sid = "f8fdea60-e416-4a17-a488-9abe093290a9";
  const ustr = "6a31a3b4-3b89-4af4-99ab-1b7dd2d00000";
  const init = { type: "INIT", direction: "Send", operation: "Transfer", session_id: sid, user_str: ustr };
  const sessionFields = {
    adaptive: "Adaptive", cipher: "aes-128", client_user: "admin", cluster_node_id: 0, cluster_num_nodes: 1, create_policy: 0,
    ds_pipeline_depth: 32, datagram_size: 0, direction: "Send", encryption: true,
  };
  const notification = {
    type: "NOTIFICATION", adaptive: "Adaptive", min_rate: 0, pre_transfer_bytes: 1048576, pre_transfer_files: 1, rate: 700000,
    session_id: sid, user_str: ustr,
  };
  const stats = (fileBytes: number) => ({ type: "STATS", ...sessionFields, file_bytes: fileBytes, session_id: sid, user_str: ustr });
  const denied = { code: 5, description: "Server aborted session: Read access denied for user", loss: 0, session_id: sid, user_str: ustr };

  it("cos-java-progresstest-success.txt (each frame terminated)", () => {
    expect(cosEvents("cos-java-progresstest-success.txt")).toEqual([
      init,
      notification,
      { type: "SESSION", ...sessionFields },
      stats(262144),
      stats(524288),
      stats(786432),
      { type: "DONE", direction: "Send", file_bytes: 1048576, operation: "Transfer", session_id: sid, user_str: ustr, transfer_bytes: 4096, transfers_attempted: 1 },
    ]);
  });

  it("cos-java-progresstest-error.txt (each frame terminated)", () => {
    expect(cosEvents("cos-java-progresstest-error.txt")).toEqual([
      init, notification, { type: "SESSION", ...sessionFields }, stats(262144), { type: "ERROR", ...denied },
    ]);
  });

  it("cos-java-impltest-init-stats-error-done.txt (each frame terminated)", () => {
    expect(cosEvents("cos-java-impltest-init-stats-error-done.txt")).toEqual([
      init, { type: "STATS", ...sessionFields }, { type: "ERROR", ...denied }, { type: "DONE", ...denied },
    ]);
  });

  it("cos-java-listenertest-multisession.txt (each frame terminated)", () => {
    const other = (session_id: string) => ({ ...init, session_id });
    expect(cosEvents("cos-java-listenertest-multisession.txt")).toEqual([
      init, init, other("7d564ec6-7765-49d7-b2a7-9380dec7a69f"), other("f4c34a23-41f5-4fee-bda0-f014a4a2c92b"),
      { ...init, type: "DONE" }, { type: "ERROR", ...denied },
    ]);
  });

  it("pypi-cos-aspera-init-example.txt (terminated)", () => {
    expect(cosEvents("pypi-cos-aspera-init-example.txt")).toEqual([
      { type: "INIT", direction: "Send", operation: "Transfer", session_id: "03ef6778-7997-4fe1-9091-4f92ec29a806", user_str: "5492958869869553497", cookie: "My data" },
    ]);
  });
});
