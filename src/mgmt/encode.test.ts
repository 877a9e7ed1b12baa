import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EncodeError, encodeCommand, type Command } from "./encode.js";
import { FrameParser, type Frame } from "./frame-parser.js";
import { typeFrame } from "./typing.js";

const TRANSCRIPTS = "/work/shared/reference/transcripts";

function parseAll(text: string): { frames: Frame[]; warnings: string[] } {
  const frames: Frame[] = [];
  const warnings: string[] = [];
  const parser = new FrameParser({ onFrame: (f) => frames.push(f.toFrame()), onWarning: (w) => warnings.push(w.code) });
  parser.push(Buffer.from(text));
  parser.end();
  return { frames, warnings };
}

describe("encodeCommand: published Go command frames, byte for byte", () => {
  it.each<[string, Command]>([
    ["go-cmd-start.txt", { type: "START", source: "sourcepath.txt", destination: "destpath.txt" }],
    ["go-cmd-start-byterange.txt", { type: "START", file_bytes: "10:100", destination: "destpath.txt", source: "sourcepath.txt" }],
    ["go-cmd-rate.txt", { type: "RATE", policy: "fair", min_rate: 15000, rate: 20000 }],
    ["go-cmd-rate.txt", { type: "RATE", adaptive: "Adaptive", rate: 20000, min_rate: 15000, session_index: 1 }],
    ["go-cmd-done-linger.txt", { type: "DONE", operation: "Linger" }],
    ["go-cmd-done.txt", { type: "DONE" }],
    ["go-cmd-cancel.txt", { type: "CANCEL", session_index: 0 }],
  ])("%s from %j", (file, command) => {
    expect(encodeCommand(command)).toBe(readFileSync(`${TRANSCRIPTS}/${file}`, "latin1"));
  });
});

describe("encodeCommand: values", () => {
  it.each<[Command, string]>([
    [{ type: "START", source: "a\nb", destination: "c\x1bd\re" }, "FASPMGR 2\nType: START\nSource: a\x1bnb\nDestination: c\x1b\x1bd\x1bre\n\n"],
    [{ type: "RATE", rate: "50%" }, "FASPMGR 2\nType: RATE\nRate: 50%\n\n"],
    [{ type: "RATE", min_rate: 0 }, "FASPMGR 2\nType: RATE\nMinRate: 0\n\n"],
    [{ type: "RATE", policy: "high" }, "FASPMGR 2\nType: RATE\nAdaptive: Adaptive\n\n"],
    [{ type: "RATE", policy: "fixed" }, "FASPMGR 2\nType: RATE\nAdaptive: Fixed\n\n"],
    [{ type: "RATE", policy: "low" }, "FASPMGR 2\nType: RATE\nAdaptive: Trickle\n\n"],
    [{ type: "START", source: "日本/é.txt" }, "FASPMGR 2\nType: START\nSource: 日本/é.txt\n\n"],
  ])("%j", (command, frame) => {
    expect(encodeCommand(command)).toBe(frame);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ type: "START", source: "a", file_bytes: "1:\n2" }, /^file_bytes must not contain a line break/],
    [{ type: "DONE", operation: "Lin\rger" }, /^operation must not contain a line break/],
    [{ type: "RATE", rate: 1.5 }, /^rate must be an integer, got 1.5/],
    [{ type: "RATE", rate: Number.POSITIVE_INFINITY }, /^rate must be an integer/],
    [{ type: "RATE", rate: null }, /^rate must be a string or a number, got object/],
    [{ type: "RATE", policy: "turbo" }, /^policy must be one of fair, high, fixed, low/],
    [{ type: "RATE", policy: "fair", adaptive: "Fixed" }, /^policy repeats the Adaptive field/],
    [{ type: "QUERY" }, /^unknown command type "QUERY"/],
    [{ type: "toString" }, /^unknown command type "toString"/],
    [{ type: "CANCEL", Rate: 1 }, /^unknown key Rate for CANCEL/],
    [{ type: "START", source: "a", Type: "STATS" }, /^unknown key Type for START/],
  ])("%j is refused", (command, message) => {
    expect(() => encodeCommand(command as unknown as Command)).toThrowError(EncodeError);
    expect(() => encodeCommand(command as unknown as Command)).toThrowError(message);
  });
});

describe("encodeCommand: property (b)", () => {
  const anyString = fc.string({ unit: fc.oneof(fc.constantFrom("\n", "\r", "\x1b", ":", " ", "n", "FASPMGR 2", "é", "😀"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })) });

  it("START strings round-trip through encode → parse → typing and never add a field or a frame", () => {
    fc.assert(
      fc.property(anyString, fc.option(anyString, { nil: undefined }), fc.option(anyString, { nil: undefined }), (source, destination, fileBytes) => {
        const command: Command = { type: "START", source, ...(destination === undefined ? {} : { destination }), ...(fileBytes === undefined ? {} : { file_bytes: fileBytes }) };
        let text: string;
        try {
          text = encodeCommand(command);
        } catch (error) {
          // Only a line break in the non-path value may refuse the command.
          expect(error).toBeInstanceOf(EncodeError);
          expect(fileBytes).toMatch(/[\r\n]/);
          return;
        }
        const { frames, warnings } = parseAll(text);
        expect(warnings).toEqual([]);
        expect(frames).toHaveLength(1);
        const expectedNames = ["Type", "Source", ...(destination === undefined ? [] : ["Destination"]), ...(fileBytes === undefined ? [] : ["FileBytes"])];
        expect(frames[0]!.names).toEqual(expectedNames);
        if (fileBytes !== undefined) expect(frames[0]!.values[expectedNames.indexOf("FileBytes")]).toBe(fileBytes);
        const event = typeFrame(frames[0]!);
        expect(event.source).toBe(source);
        if (destination !== undefined) expect(event.destination).toBe(destination);
      }),
      { numRuns: 300 },
    );
  });

  it("RATE and DONE string values round-trip or are refused", () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom("rate", "min_rate", "operation"), (value, key) => {
        const command = (key === "operation" ? { type: "DONE", operation: value } : { type: "RATE", [key]: value }) as Command;
        let text: string;
        try {
          text = encodeCommand(command);
        } catch (error) {
          expect(error).toBeInstanceOf(EncodeError);
          expect(value).toMatch(/[\r\n]/);
          return;
        }
        const { frames, warnings } = parseAll(text);
        expect(warnings).toEqual([]);
        expect(frames).toHaveLength(1);
        expect(frames[0]!.names).toEqual(["Type", key === "operation" ? "Operation" : key === "rate" ? "Rate" : "MinRate"]);
        expect(frames[0]!.values[1]).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});
