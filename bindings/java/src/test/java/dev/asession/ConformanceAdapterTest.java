package dev.asession;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The adapter as the conformance runner sees it: a separate JVM on stdin/stdout with a fake engine. */
@Timeout(60)
class ConformanceAdapterTest {
  @TempDir Path dir;

  private Process adapter(String engineScript) throws IOException {
    Fixtures.fakeEngine(dir, engineScript);
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ConformanceAdapter.class.getName());
    pb.environment().put(Options.ENGINE_ENV, dir.resolve("fake-engine.js").toString());
    pb.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("stderr.txt").toFile()));
    return pb.start();
  }

  private static List<String> lines(Process p) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) out.add(l);
    }
    return out;
  }

  @Test
  void printsEventsUnchangedForwardsCommandsAndExitsWithResultsCode() throws Exception {
    // Echoes each stdin line (JSON-quoted, so a \r shows) as a NOTIFICATION; RESULT failed at stdin EOF.
    Process p = adapter("""
        let buf = "";
        process.stdin.on("data", (d) => {
          buf += d;
          for (let i; (i = buf.indexOf("\\n")) >= 0; buf = buf.slice(i + 1)) {
            process.stdout.write('{"type":"NOTIFICATION",  "description":' + JSON.stringify(buf.slice(0, i)) + ',"zz":"é"}\\n');
          }
        });
        process.stdin.on("end", () => { out(result("failed", 1, { source: "engine", message: "m", retryable: false })); process.exit(1); });
        """);
    try (OutputStream in = p.getOutputStream()) {
      in.write("{\"spec\":{}}\n{\"type\":\"DONE\"}\r\nnot json\n".getBytes(StandardCharsets.UTF_8));
    }
    List<String> out = lines(p);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), Files.readString(dir.resolve("stderr.txt")));
    assertEquals(4, out.size(), out.toString());
    assertEquals("{\"type\":\"NOTIFICATION\",  \"description\":\"{\\\"spec\\\":{}}\",\"zz\":\"é\"}", out.get(0), "raw text, UTF-8");
    assertEquals("{\"type\":\"NOTIFICATION\",  \"description\":\"{\\\"type\\\":\\\"DONE\\\"}\\r\",\"zz\":\"é\"}", out.get(1));
    assertTrue(out.get(2).contains("\"not json\""), out.get(2));
    assertTrue(out.get(3).startsWith("{\"type\":\"RESULT\",\"status\":\"failed\""), out.get(3));
  }

  @Test
  void sigtermCancelsThroughTheEngineAndExitsWithItsCode() throws Exception {
    Process p = adapter("""
        process.on("SIGTERM", () => { out(result("cancelled", 130)); process.exit(130); });
        out({ type: "INIT" });
        setInterval(() => {}, 1000);
        """);
    p.getOutputStream().write("{\"spec\":{}}\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"INIT\"}", r.readLine());
    p.toHandle().destroy();
    String last = r.readLine();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(130, p.exitValue(), Files.readString(dir.resolve("stderr.txt")));
    assertTrue(last.startsWith("{\"type\":\"RESULT\",\"status\":\"cancelled\""), last);
  }
}
