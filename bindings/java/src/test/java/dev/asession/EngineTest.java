package dev.asession;

import static dev.asession.Fixtures.engineOptions;
import static dev.asession.Fixtures.gone;
import static dev.asession.Fixtures.sendSpec;
import static dev.asession.Fixtures.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asession.generated.AscpEvent;
import dev.asession.generated.Event;
import dev.asession.generated.ResultEvent;
import dev.asession.generated.SpawnEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** End to end: the real engine driving the ascp simulator. */
@Timeout(90)
class EngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path remote;
  private Path record;
  private Options options;

  @BeforeEach
  void setUp() throws IOException {
    remote = dir.resolve("remote");
    Files.createDirectories(remote.resolve("demo/up"));
    record = dir.resolve("record.jsonl");
    options = engineOptions()
        .directory(dir)
        .env("ASCP_SIM_REMOTE_ROOT", remote.toString())
        .env("ASCP_SIM_RECORD", record.toString())
        .env("ASCP_SIM_STATE", Files.createDirectories(dir.resolve("state")).toString())
        .build();
  }

  private Path localFile(String name, int size) throws IOException {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  @Test
  void sendSessionCopiesTheFileWithTypedEvents() throws Exception {
    Path a = localFile("a.bin", 200_000);
    // A Path in the spec map is written as its text.
    try (Session s = Session.start(sendSpec(List.of(Map.of("source", a)), Map.of()), options)) {
      List<Event> events = s.events().collect(Collectors.toList());
      ResultEvent result = s.waitFor();

      assertEquals("SPAWN", events.get(0).type());
      assertTrue(events.get(events.size() - 1) == result, "RESULT is last");
      SpawnEvent spawn = (SpawnEvent) events.get(0);
      assertTrue(spawn.pid() > 0);
      assertEquals(Fixtures.SIMULATOR.toString(), spawn.ascpPath());

      AscpEvent session = events.stream().filter(e -> e.type().equals("SESSION")).map(AscpEvent.class::cast).findFirst().orElseThrow();
      assertEquals("Send", session.direction());
      assertEquals(Boolean.TRUE, session.encryption());
      assertEquals("demo", session.host());
      assertEquals(0L, session.sessionIndex());
      AscpEvent done = events.stream().filter(e -> e.type().equals("DONE")).map(AscpEvent.class::cast).findFirst().orElseThrow();
      assertEquals(1L, done.transfersPassed());
      assertEquals(200_000L, done.transferBytes());

      assertEquals("success", result.status());
      assertEquals(1L, result.totals().filesPassed());
      assertEquals(200_000L, result.totals().bytesTransferred());
      assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(remote.resolve("demo/up/a.bin")));
    }
  }

  @Test
  void failingSessionThrowsWithAscpsCode() throws Exception {
    Path a = localFile("a.bin", 1000);
    Options auth = Options.builder()
        .engine(options.engine()).directory(dir).env(options.env())
        .env("ASCP_SIM_SCENARIO", "{\"faults\":[{\"type\":\"auth\"}]}")
        .build();
    try (Session s = Session.start(sendSpec(List.of(Map.of("source", a.toString())), Map.of()), auth)) {
      TransferException e = assertThrows(TransferException.class, s::waitFor);
      String why = e.getMessage() + "\n" + e.result().raw() + "\n" + e.stderrTail();
      assertEquals("failed", e.status(), why);
      assertEquals(1, e.exitCode(), why);
      assertEquals("ascp", e.error().source(), why);
      assertEquals(19L, e.error().code(), why);
      assertFalse(e.error().retryable());
    }
  }

  @Test
  void persistentSessionTakesFilesAndRatesThenFinishes() throws Exception {
    Path b = localFile("b.bin", 50_000);
    try (Session s = Session.start(sendSpec(null, Map.of("keepalive", true)), options)) {
      Iterator<Event> it = s.events().iterator();
      List<Event> seen = new ArrayList<>();
      until(it, seen, AscpEvent.class, e -> e.type().equals("SESSION"));
      s.setRate(2000L, 100L, "fixed");
      s.startFile(b.toString(), "b.bin");
      until(it, seen, AscpEvent.class, e -> e.type().equals("STOP"));
      s.done(false);
      while (it.hasNext()) seen.add(it.next());
      assertEquals("success", s.waitFor().status(), Fixtures.types(seen).toString());
    }
    assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(remote.resolve("demo/up/b.bin")));
    List<JsonNode> frames = new ArrayList<>();
    for (String line : Files.readAllLines(record)) {
      JsonNode n = JSON.readTree(line);
      if (n.path("kind").asText().equals("frame_received")) frames.add(n.get("frame"));
    }
    JsonNode rate = frames.stream().filter(f -> f.path("Type").asText().equals("RATE")).findFirst().orElseThrow(
        () -> new AssertionError("no RATE frame reached the simulator: " + frames));
    assertEquals("2000", rate.path("Rate").asText());
    assertEquals("100", rate.path("MinRate").asText());
    assertEquals("Fixed", rate.path("Adaptive").asText());
    assertTrue(frames.stream().anyMatch(f -> f.path("Type").asText().equals("START")), "START frame: " + frames);
    assertTrue(frames.stream().anyMatch(f -> f.path("Type").asText().equals("DONE")), "DONE frame: " + frames);
  }

  @Test
  void closingInputEndsAPersistentSession() throws Exception {
    try (Session s = Session.start(sendSpec(null, Map.of("keepalive", true)), options)) {
      Iterator<Event> it = s.events().iterator();
      until(it, new ArrayList<>(), AscpEvent.class, e -> e.type().equals("SESSION"));
      s.closeInput();
      assertEquals("success", s.waitFor(Duration.ofSeconds(30)).status());
    }
  }

  @Test
  void closeAfterAnExceptionMidTransferStopsEngineAndAscp() throws Exception {
    Path big = localFile("big.bin", 2_000_000);
    Map<String, Object> spec = sendSpec(List.of(Map.of("source", big.toString())), Map.of("target_rate_kbps", 100));
    long[] pids = new long[2];
    assertThrows(IllegalStateException.class, () -> {
      try (Session s = Session.start(spec, options)) {
        Iterator<Event> it = s.events().iterator();
        List<Event> seen = new ArrayList<>();
        pids[0] = s.pid();
        pids[1] = until(it, seen, SpawnEvent.class, e -> true).pid();
        until(it, seen, AscpEvent.class, e -> e.type().equals("STATS"));
        throw new IllegalStateException("caller failed mid-transfer");
      }
    });
    assertTrue(gone(pids[0], Duration.ofSeconds(2)), "engine still running after close()");
    assertTrue(gone(pids[1], Duration.ofSeconds(5)), "ascp still running after close()");
  }

  @Test
  void cancelEndsWith130AndLeavesNoAscpBehind() throws Exception {
    Path big = localFile("big.bin", 2_000_000);
    Map<String, Object> spec = sendSpec(List.of(Map.of("source", big.toString())), Map.of("target_rate_kbps", 100));
    try (Session s = Session.start(spec, options)) {
      Iterator<Event> it = s.events().iterator();
      List<Event> seen = new ArrayList<>();
      SpawnEvent spawn = until(it, seen, SpawnEvent.class, e -> true);
      until(it, seen, AscpEvent.class, e -> e.type().equals("STATS"));
      s.cancel();
      while (it.hasNext()) seen.add(it.next());
      TransferException e = assertThrows(TransferException.class, s::waitFor);
      assertEquals(130, e.exitCode());
      assertEquals("cancelled", e.status());
      assertInstanceOf(ResultEvent.class, seen.get(seen.size() - 1));
      assertTrue(gone(spawn.pid(), Duration.ofSeconds(5)), "ascp " + spawn.pid() + " still running");
      assertFalse(s.isAlive());
    }
  }
}
