package dev.asession;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asession.generated.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Paths of the engine under test and the ascp simulator, and small fake engines for reader-only tests. */
final class Fixtures {
  /** Surefire runs tests from the module folder, bindings/java. */
  static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();
  static final Path SIMULATOR = ROOT.resolve("conformance/simulator/ascp");

  private Fixtures() {}

  /** ASESSION_BIN when set, else this checkout's dist/cli.js (built with npm run build). */
  static Options.Builder engineOptions() {
    String bin = System.getenv(Options.ENGINE_ENV);
    Path engine = bin != null && !bin.isBlank() ? Path.of(bin) : ROOT.resolve("dist/cli.js");
    assertTrue(Files.isRegularFile(engine), "engine " + engine + " missing: run `npm run build` at the top of the repo");
    assertTrue(Files.isExecutable(SIMULATOR), "ascp simulator missing: " + SIMULATOR);
    return Options.builder().engine(engine.toString()).closeGrace(Duration.ofSeconds(10));
  }

  /** Writes a Node script that stands in for the engine and returns options that run it. */
  static Options.Builder fakeEngine(Path dir, String script) throws IOException {
    Path file = dir.resolve("fake-engine.js");
    Files.writeString(file, PRELUDE + script);
    return Options.builder().engine(file.toString()).closeGrace(Duration.ofSeconds(2));
  }

  private static final String PRELUDE =
      """
      const out = (o) => process.stdout.write(JSON.stringify(o) + "\\n");
      const result = (status, exit_code, error = null) => ({
        type: "RESULT", status, exit_code, error, sessions: [],
        totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 },
        elapsed_ms: 1 });
      """;

  /** A session spec for the simulator sending the given paths (absolute) to remote host demo, folder /up. */
  static Map<String, Object> sendSpec(List<Map<String, Object>> paths, Map<String, Object> extra) {
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    spec.put("direction", "send");
    spec.put("remote_host", "demo");
    spec.put("remote_user", "xfer");
    if (paths != null) spec.put("paths", paths);
    spec.put("destination_root", "/up");
    spec.putAll(extra);
    return Map.of("spec", spec, "agent", Map.of("ascp_path", SIMULATOR.toString()));
  }

  /** Reads events until one matches; fails when the engine's output ends first. */
  static <T extends Event> T until(Iterator<Event> events, List<Event> seen, Class<T> kind, Predicate<T> match) {
    while (events.hasNext()) {
      Event e = events.next();
      seen.add(e);
      if (kind.isInstance(e) && match.test(kind.cast(e))) return kind.cast(e);
    }
    throw new AssertionError("no matching " + kind.getSimpleName() + " before the end; saw " + types(seen));
  }

  static List<String> types(List<Event> events) {
    List<String> t = new ArrayList<>();
    for (Event e : events) t.add(e.type());
    return t;
  }

  static boolean gone(long pid, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!running(pid)) return true;
      Thread.sleep(50);
    }
    return false;
  }

  // A killed orphan stays a zombie until init reaps it, which some container inits do only every few seconds.
  private static boolean running(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
    if (!Files.isDirectory(Path.of("/proc"))) return true;
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
