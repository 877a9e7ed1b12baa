package dev.asession;

import java.nio.file.Files;

import dev.asession.generated.Contract;

import static dev.asession.Fixtures.fakeEngine;
import static dev.asession.Fixtures.gone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asession.generated.AscpEvent;
import dev.asession.generated.Contract;
import dev.asession.generated.Event;
import dev.asession.generated.ResultEvent;
import dev.asession.generated.SpawnEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The binding's own behaviour, against small scripts standing in for the engine. */
@Timeout(60)
class FakeEngineTest {
  private static final Map<String, Object> SPEC = Map.of("spec", Map.of("direction", "send"));
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void readsAFiveMegabyteLine() throws Exception {
    Options o = fakeEngine(dir, """
        out({ type: "NOTIFICATION", description: "x".repeat(5 * 1024 * 1024) });
        out(result("success", 0));
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      List<Event> events = s.events().collect(Collectors.toList());
      assertEquals(List.of("NOTIFICATION", "RESULT"), Fixtures.types(events));
      assertEquals(5 * 1024 * 1024, ((AscpEvent) events.get(0)).description().length());
      assertEquals("success", s.waitFor().status());
    }
  }

  @Test
  void commandsGoOutAsOneJsonLineEachAndStdinEofEndsThem() throws Exception {
    // Echoes every stdin line after the spec back as a NOTIFICATION; RESULT at stdin EOF.
    Options o = fakeEngine(dir, """
        let n = 0, buf = "";
        process.stdin.on("data", (d) => {
          buf += d;
          for (let i; (i = buf.indexOf("\\n")) >= 0; buf = buf.slice(i + 1)) {
            const line = buf.slice(0, i);
            if (n++ === 0) out({ type: "INIT", description: line });
            else out({ type: "NOTIFICATION", description: line });
          }
        });
        process.stdin.on("end", () => out(result("success", 0)));
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      s.startFile("dir/a b.bin", "up/b.bin");
      s.startFile("only-source", null);
      s.setRate(50000L, 1000L, "fair");
      s.setRate(null, null, "low");
      s.done(true);
      s.done(false);
      s.send(Map.of("type", "CANCEL", "session_index", 1));
      s.sendRaw("{\"type\":\"NOPE\"}\r");
      assertThrows(IllegalArgumentException.class, () -> s.sendRaw("{}\n{}"));
      assertThrows(IllegalArgumentException.class, () -> s.setRate(null, null, null));
      s.closeInput();
      assertThrows(IllegalStateException.class, () -> s.done(false));

      List<String> lines = new ArrayList<>();
      Iterator<Event> it = s.events().iterator();
      while (it.hasNext()) {
        if (it.next() instanceof AscpEvent a) lines.add(a.description());
      }
      assertEquals(SPEC, JSON.readValue(lines.get(0), Map.class), "spec first, as JSON");
      List<Object> commands = new ArrayList<>();
      for (String l : lines.subList(1, lines.size() - 1)) commands.add(JSON.readValue(l, Map.class));
      assertEquals(List.of(
          Map.of("type", "START", "source", "dir/a b.bin", "destination", "up/b.bin"),
          Map.of("type", "START", "source", "only-source"),
          Map.of("type", "RATE", "rate", 50000, "min_rate", 1000, "policy", "fair"),
          Map.of("type", "RATE", "policy", "low"),
          Map.of("type", "DONE", "operation", "Linger"),
          Map.of("type", "DONE"),
          Map.of("type", "CANCEL", "session_index", 1)), commands);
      assertEquals("{\"type\":\"NOPE\"}\r", lines.get(lines.size() - 1), "sendRaw sends the text as it is");
      assertEquals(0, s.waitFor().exitCode());
    }
  }

  @Test
  void listenersAndTheStreamSeeEveryEventInOrder() throws Exception {
    Options o = fakeEngine(dir, """
        for (let i = 0; i < 500; i++) out({ type: "STATS", session_index: 0, transfer_bytes: i });
        out(result("success", 0));
        """).build();
    List<Event> heard = Collections.synchronizedList(new ArrayList<>());
    try (Session s = Session.builder().spec(SPEC).options(o).onEvent(heard::add).start()) {
      List<Event> streamed = s.events().collect(Collectors.toList());
      ResultEvent r = s.waitFor();
      assertEquals(501, streamed.size());
      assertEquals(streamed, heard);
      assertEquals(499L, ((AscpEvent) streamed.get(499)).transferBytes());
      assertTrue(streamed.get(500) == r);
      assertThrows(IllegalStateException.class, s::events, "events() is one stream");
    }
  }

  @Test
  void failedResultThrowsTransferExceptionWithTheError() throws Exception {
    Options o = fakeEngine(dir, """
        out(result("failed", 1, { source: "ascp", code: 19, name: "AUTH", message: "Authentication failed", retryable: false }));
        process.exit(1);
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      TransferException e = assertThrows(TransferException.class, s::waitFor);
      assertEquals(19L, e.error().code());
      assertEquals("AUTH", e.error().name());
      assertEquals(1, e.exitCode());
      assertEquals("failed", e.status());
      assertTrue(e.getMessage().contains("Authentication failed"), e.getMessage());
    }
  }

  @Test
  void engineEndingWithoutResultThrowsWithItsStderr() throws Exception {
    Options o = fakeEngine(dir, """
        out({ type: "INIT" });
        process.stderr.write("engine: something broke badly\\n");
        process.exit(4);
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      EngineException e = assertThrows(EngineException.class, s::waitFor);
      assertEquals(4, e.exitCode());
      assertTrue(e.stderrTail().contains("something broke badly"), e.stderrTail());
      assertTrue(e.getMessage().contains("without a RESULT") && e.getMessage().contains("something broke badly"), e.getMessage());
    }
  }

  @Test
  void ascpOnlySpecEndsWithoutResult() throws Exception {
    Options ok = fakeEngine(dir, "out({ type: \"DONE\" });\n").build();
    try (Session s = Session.start("{\"spec\":{},\"events\":\"ascp\"}", ok)) {
      assertNull(s.waitFor(), "no RESULT is due with events: ascp");
    }
    Options failing = fakeEngine(dir, "out({ type: \"ERROR\", code: 19 }); process.exit(1);\n").build();
    try (Session s = Session.start(Map.of("spec", Map.of(), "events", "ascp"), failing)) {
      assertEquals(1, assertThrows(EngineException.class, s::waitFor).exitCode());
    }
  }

  @Test
  void aLineThatIsNotAnEventIsSkippedAndReported() throws Exception {
    Options o = fakeEngine(dir, """
        process.stdout.write("hello\\n");
        out(result("success", 0));
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      assertEquals(List.of("RESULT"), s.events().map(Event::type).toList());
      assertEquals("success", s.waitFor().status());
      assertTrue(s.stderrTail().contains("not an event"), s.stderrTail());
    }
  }

  @Test
  void cancelTwiceAndCloseSignalTheEngineOnce() throws Exception {
    Path log = dir.resolve("signals");
    Options o = fakeEngine(dir, """
        const fs = require("node:fs");
        let n = 0;
        process.on("SIGTERM", () => {
          fs.appendFileSync(process.env.SIGNAL_LOG, "TERM\\n");
          if (++n === 1) setTimeout(() => { out(result("cancelled", 130)); process.exit(130); }, 500);
        });
        out({ type: "INIT" });
        setInterval(() => {}, 1000);
        """).env("SIGNAL_LOG", log.toString()).build();
    Session s = Session.start(SPEC, o);
    assertEquals("INIT", s.events().iterator().next().type());
    s.cancel();
    s.cancel();
    s.close();
    assertEquals("TERM\n", Files.readString(log));
    assertThrows(TransferException.class, s::waitFor);
  }

  @Test
  void clearEnvironmentPassesOnlyTheGivenVariables() throws Exception {
    Options o = fakeEngine(dir, """
        out({ type: "ENV", names: Object.keys(process.env).sort().join(",") });
        out(result("success", 0));
        """).clearEnvironment().env("ONLY", "1").build();
    try (Session s = Session.start(SPEC, o)) {
      Event env = s.events().findFirst().orElseThrow();
      assertTrue(env.raw().contains("\"names\":\"ONLY\""), env.raw());
    }
  }

  @Test
  void everyOutcomeRow() {
    for (Contract.OutcomeRow row : Contract.OUTCOME_ROWS) {
      ResultEvent r = "present".equals(row.result())
          ? (ResultEvent) Event.decode("{\"type\":\"RESULT\",\"status\":\"" + row.status() + "\",\"exit_code\":0,\"error\":null,"
              + "\"sessions\":[],\"totals\":{\"files_passed\":0,\"files_failed\":0,\"files_skipped\":0,"
              + "\"bytes_transferred\":0,\"file_bytes\":0},\"elapsed_ms\":1}")
          : null;
      List<Integer> codes = switch (row.exit()) {
        case "0" -> List.of(0);
        case "nonzero" -> List.of(1, 137);
        default -> List.of(0, 1, 130);
      };
      List<Boolean> modes = switch (row.events()) {
        case "all" -> List.of(false);
        case "ascp" -> List.of(true);
        default -> List.of(false, true);
      };
      for (int code : codes) {
        for (boolean ascp : modes) assertEquals(row.outcome(), Session.outcomeOf(r, code, ascp), row.id() + " exit " + code);
      }
    }
  }

  @Test
  void aThrowingListenerIsReportedAndTheOthersKeepGoing() throws Exception {
    Options o = fakeEngine(dir, "out({ type: \"INIT\" }); out(result(\"success\", 0));\n").build();
    List<String> heard = new ArrayList<>();
    try (Session s = Session.builder().spec(SPEC).options(o)
        .onEvent(e -> {
          throw new IllegalStateException("listener bug");
        })
        .onEvent(e -> heard.add(e.type()))
        .start()) {
      AsessionException e = assertThrows(AsessionException.class, s::waitFor);
      assertTrue(e.getCause().getMessage().contains("listener bug"));
      assertEquals(List.of("INIT", "RESULT"), heard);
    }
  }

  @Test
  void cancelSendsSigterm() throws Exception {
    Options o = fakeEngine(dir, """
        process.on("SIGTERM", () => { out(result("cancelled", 130)); process.exit(130); });
        out({ type: "INIT" });
        setInterval(() => {}, 1000);
        """).build();
    try (Session s = Session.start(SPEC, o)) {
      Iterator<Event> it = s.events().iterator();
      assertEquals("INIT", it.next().type());
      s.cancel();
      TransferException e = assertThrows(TransferException.class, s::waitFor);
      assertEquals(130, e.exitCode());
      assertEquals("cancelled", e.status());
    }
  }

  @Test
  void waitForGivesUpAfterTheTimeout() throws Exception {
    Options o = fakeEngine(dir, "setInterval(() => {}, 1000);\n").build();
    try (Session s = Session.start(SPEC, o)) {
      assertThrows(TimeoutException.class, () -> s.waitFor(Duration.ofMillis(300)));
      assertTrue(s.isAlive());
    }
  }

  @Test
  void closeOnAnExceptionReapsTheEngine() throws Exception {
    Options o = fakeEngine(dir, "out({ type: \"INIT\" }); setInterval(() => {}, 1000);\n").build();
    long[] pid = new long[1];
    assertThrows(IllegalStateException.class, () -> {
      try (Session s = Session.start(SPEC, o)) {
        pid[0] = s.pid();
        throw new IllegalStateException("caller failed");
      }
    });
    assertTrue(gone(pid[0], Duration.ofSeconds(1)), "engine still running after close()");
  }

  @Test
  void closeKillsAnEngineThatIgnoresSigtermAndWhatItStarted() throws Exception {
    Options o = fakeEngine(dir, """
        process.on("SIGTERM", () => {});
        const child = require("node:child_process").spawn("sleep", ["600"], { stdio: "ignore" });
        out({ type: "SPAWN", session_index: 0, attempt: 1, pid: child.pid, ascp_path: "sleep", argv: ["600"] });
        setInterval(() => {}, 1000);
        """).closeGrace(Duration.ofMillis(300)).build();
    Session s = Session.start(SPEC, o);
    long engine = s.pid();
    SpawnEvent spawn = assertInstanceOf(SpawnEvent.class, s.events().iterator().next());
    long started = System.nanoTime();
    s.close();
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(300).toNanos(), "SIGTERM got its grace period");
    assertTrue(gone(engine, Duration.ofSeconds(2)), "engine survived close()");
    assertTrue(gone(spawn.pid(), Duration.ofSeconds(2)), "the engine's child survived close()");
  }

  @Test
  void engineThatCannotBeFoundOrStarted() {
    Options o = Options.builder().engine(dir.resolve("no-such-asession").toString()).build();
    EngineNotFoundException e = assertThrows(EngineNotFoundException.class, () -> Session.start(SPEC, o));
    assertTrue(e.getMessage().contains("no-such-asession"), e.getMessage());
  }

  @Test
  void aJsFileRunsWithNode() {
    assertEquals("/x/cli.js", Options.builder().engine("/x/cli.js").build().resolveEngine().get(1));
    assertEquals(List.of("/x/asession", "--flag"), Options.builder().engine("/x/asession", "--flag").build().resolveEngine());
  }
}
