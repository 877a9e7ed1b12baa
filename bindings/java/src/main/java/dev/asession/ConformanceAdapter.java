package dev.asession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asession.generated.Contract;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import dev.asession.generated.ResultEvent;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the conformance runner drive this binding like the engine itself (the adapter contract of
 * conformance/README.md): the first stdin line is the session spec, later lines are forwarded as commands (a line with
 * "adapter_call" calls that helper instead), every event is printed as the engine printed it, SIGTERM/SIGINT call
 * cancel() twice (the binding must signal once), one "adapter outcome:" line goes to stderr, and the exit status is
 * RESULT's exit_code, else the engine's. ASESSION_ADAPTER_ENV (a JSON object, null removes) and
 * ASESSION_ADAPTER_CLEAR_ENV=1 set the environment options.
 */
public final class ConformanceAdapter {
  private static final int CANCELLED = Contract.EXIT_CANCELLED;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConformanceAdapter() {}

  public static void main(String[] args) {
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    Writer out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    InputStream in = new BufferedInputStream(System.in);
    AtomicReference<Session> current = new AtomicReference<>();
    AtomicBoolean finished = new AtomicBoolean();

    // SIGTERM/SIGINT: cancel through the engine, wait for its RESULT to be printed, exit with its status.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (finished.get()) return;
      Session s = current.get();
      int code = CANCELLED;
      if (s != null) {
        s.cancel();
        s.cancel();
        code = finish(s, err, Duration.ofSeconds(Contract.GRACE_SEC + 5));
        s.close();
      }
      Runtime.getRuntime().halt(code);
    }, "asession-adapter-signal"));

    String spec;
    try {
      spec = readLine(in);
    } catch (IOException e) {
      err.println("asession-java adapter: cannot read stdin: " + e.getMessage());
      System.exit(2);
      return;
    }
    Options.Builder builder = Options.builder().onStderr(err::println);
    try {
      String env = System.getenv("ASESSION_ADAPTER_ENV");
      if (env != null && !env.isEmpty()) {
        JSON.readTree(env).fields().forEachRemaining(e -> builder.env(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
      }
    } catch (IOException e) {
      err.println("asession-java adapter: ASESSION_ADAPTER_ENV: " + e.getMessage());
      System.exit(Contract.EXIT_INVALID_INPUT);
    }
    if ("1".equals(System.getenv("ASESSION_ADAPTER_CLEAR_ENV"))) builder.clearEnvironment();
    Options options = builder.build();
    Session session;
    try {
      session = Session.builder()
          .spec(spec == null ? "" : spec)
          .options(options)
          .onEvent(event -> print(out, event.raw(), current))
          .start();
    } catch (EngineNotFoundException e) {
      err.println("asession-java adapter: " + e.getMessage());
      finished.set(true);
      System.exit(Contract.EXIT_NO_ASCP);
      return;
    }
    current.set(session);

    Thread forward = new Thread(() -> forwardCommands(in, session), "asession-adapter-stdin");
    forward.setDaemon(true);
    forward.start();

    int code = finish(session, err, null);
    finished.set(true);
    session.close();
    System.exit(code);
  }

  private static void print(Writer out, String raw, AtomicReference<Session> current) {
    try {
      out.write(raw);
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      // Whoever reads us went away: cancel as the engine does when its own stdout closes.
      Session s = current.get();
      if (s != null) s.cancel();
      throw new UncheckedIOException(e);
    }
  }

  private static void forwardCommands(InputStream in, Session session) {
    try {
      for (String line; (line = readLine(in)) != null; ) {
        if (!helperCall(session, line)) session.sendRaw(line);
      }
      session.closeInput();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      // stdin failed or the engine stopped reading: either way there is nothing left to forward.
      session.closeInput();
    }
  }

  // A line {"adapter_call": "start_file", ...} runs the startFile helper, {"adapter_call": "status"} status();
  // false for any other line.
  private static boolean helperCall(Session session, String line) {
    // Every other line goes to the engine untouched, however deep or odd (the engine judges it).
    if (!line.contains("\"adapter_call\"")) return false;
    JsonNode call;
    try {
      call = JSON.readTree(line);
    } catch (IOException e) {
      return false;
    }
    if (call == null || !call.isObject()) return false;
    String helper = call.path("adapter_call").asText();
    if ("status".equals(helper)) {
      session.status();
      return true;
    }
    if (!"start_file".equals(helper)) return false;
    session.startFile(
        call.path("source").asText(),
        call.hasNonNull("destination") ? call.get("destination").asText() : null,
        call.hasNonNull("file_bytes") ? call.get("file_bytes").asText() : null,
        call.hasNonNull("session_index") ? call.get("session_index").asInt() : null);
    return true;
  }

  // Splits on \n only, so a stray \r inside a line reaches the engine as it was sent.
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') line.write(b);
    if (b == -1 && line.size() == 0) return null;
    return line.toString(StandardCharsets.UTF_8);
  }

  // Classifies the end through the public API, says it on stderr, and gives the exit status.
  private static int finish(Session session, PrintStream err, Duration timeout) {
    try {
      ResultEvent r = timeout == null ? session.waitFor() : session.waitFor(timeout);
      err.println("adapter outcome: " + (r == null ? "none" : "result"));
      return r == null ? 0 : (int) r.exitCode();
    } catch (TransferException e) {
      err.println("adapter outcome: transfer_error");
      return e.exitCode();
    } catch (EngineException e) {
      // Without RESULT (events: ascp, or an engine crash) the engine's own status is the answer. Its stderr has
      // already been forwarded, so only the first line of the message.
      int status = e.exitCode() != null ? e.exitCode() : 1;
      err.println("asession-java adapter: " + e.getMessage().lines().findFirst().orElse(""));
      err.println("adapter outcome: engine_error exit=" + status + " stderr_tail_bytes="
          + e.stderrTail().getBytes(StandardCharsets.UTF_8).length);
      return status;
    } catch (AsessionException e) {
      err.println("asession-java adapter: " + e.getMessage());
      return 1;
    } catch (TimeoutException e) {
      err.println("asession-java adapter: " + e.getMessage());
      return CANCELLED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CANCELLED;
    }
  }
}
