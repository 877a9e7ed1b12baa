package dev.asession;

import static dev.asession.Fixtures.fakeEngine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asession.generated.Event;
import dev.asession.generated.ProgressEvent;
import dev.asession.generated.ResultEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** onProgress, status(), lastProgress() and the typed final summary, against a fake engine. */
@Timeout(60)
class ProgressTest {
  private static final Map<String, Object> SPEC = Map.of("spec", Map.of("direction", "send"));

  // PROGRESS events between raw frames; each stdin line after the spec is answered with a PROGRESS carrying that
  // line (elapsed_ms 999), as the engine answers STATUS at once; "END" ends the job.
  private static final String JOB = """
      const progress = (done, transferred, extra) => Object.assign({ type: "PROGRESS", elapsed_ms: 10 * done,
        files: { total: 2, done, skipped: 0, failed: 0, running: 0 },
        bytes: { total: 2000, transferred, already_present: 0, remaining: 2000 - transferred },
        rate: { current_bps: 8000, target_bps: null }, percent: transferred / 20, eta_sec: null,
        sessions: [{ session_index: 0, state: "transferring", attempt: 1 }] }, extra);
      const last = progress(2, 2000);
      let buf = "", lines = 0;
      process.stdin.on("data", (d) => {
        buf += d;
        for (let i; (i = buf.indexOf("\\n")) >= 0; ) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (lines++ === 0) { out({ type: "INIT" }); out(progress(0, 0)); out({ type: "STATS" }); out(progress(1, 1000)); continue; }
          if (line === "END") {
            out({ type: "STOP" }); out(last);
            out(Object.assign(result("success", 0), { totals: { files_passed: 2, files_failed: 0, files_skipped: 0,
              bytes_transferred: 2000, file_bytes: 2000, files: last.files, bytes: last.bytes, rate_avg_bps: 16000 } }));
            process.exit(0);
          }
          out(progress(1, 1000, { elapsed_ms: 999, command: JSON.parse(line) }));
        }
      });
      """;

  @TempDir Path dir;

  @Test
  void onProgressSeesEveryProgressAndTheStreamKeepsEveryEvent() throws Exception {
    List<ProgressEvent> heard = new CopyOnWriteArrayList<>();
    Options o = fakeEngine(dir, JOB).build();
    try (Session s = Session.builder().spec(SPEC).options(o).onProgress(heard::add).start()) {
      s.status();
      s.sendRaw("END");
      List<Event> events = s.events().collect(Collectors.toList());
      assertEquals(List.of("INIT", "PROGRESS", "STATS", "PROGRESS", "PROGRESS", "STOP", "PROGRESS", "RESULT"),
          Fixtures.types(events));
      List<ProgressEvent> inStream = events.stream()
          .filter(e -> e instanceof ProgressEvent).map(e -> (ProgressEvent) e).collect(Collectors.toList());
      assertEquals(inStream, heard);
      // The answer to status() carries the line the fake engine read: exactly {"type":"STATUS"}.
      ProgressEvent answer = inStream.get(2);
      assertEquals(999, answer.elapsedMs());
      assertTrue(answer.raw().contains("\"command\":{\"type\":\"STATUS\"}"), answer.raw());
      ResultEvent r = s.waitFor();
      assertEquals(inStream.get(3), s.lastProgress());
      // The final summary is typed on RESULT and equals the last PROGRESS.
      assertEquals(s.lastProgress().files(), r.totals().files());
      assertEquals(s.lastProgress().bytes(), r.totals().bytes());
      assertEquals(16000L, r.totals().rateAvgBps());
    }
  }

  @Test
  void onProgressRunsWhenOnlyWaitForIsCalled() throws Exception {
    List<Long> done = new CopyOnWriteArrayList<>();
    Options o = fakeEngine(dir, JOB).build();
    try (Session s = Session.builder().spec(SPEC).options(o).onProgress(p -> done.add(p.files().done())).start()) {
      s.sendRaw("END");
      assertNotNull(s.waitFor());
      assertEquals(List.of(0L, 1L, 2L), done);
    }
  }
}
