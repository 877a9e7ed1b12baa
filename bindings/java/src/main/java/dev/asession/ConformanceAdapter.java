package dev.asession;

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
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the conformance runner drive this binding like the engine itself: the first stdin line is the session spec,
 * later lines are forwarded as commands, every event is printed as the engine printed it, SIGTERM/SIGINT cancel,
 * and the exit status is RESULT's exit_code.
 */
public final class ConformanceAdapter {
  private static final int CANCELLED = 130;

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
        code = finish(s, err, Duration.ofSeconds(15));
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
    Options options = Options.builder().onStderr(err::println).build();
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
      System.exit(3);
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
      for (String line; (line = readLine(in)) != null; ) session.sendRaw(line);
      session.closeInput();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      // stdin failed or the engine stopped reading: either way there is nothing left to forward.
      session.closeInput();
    }
  }

  // Splits on \n only, so a stray \r inside a line reaches the engine as it was sent.
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') line.write(b);
    if (b == -1 && line.size() == 0) return null;
    return line.toString(StandardCharsets.UTF_8);
  }

  private static int finish(Session session, PrintStream err, Duration timeout) {
    try {
      if (timeout == null) session.waitFor();
      else session.waitFor(timeout);
      return 0;
    } catch (TransferException e) {
      return e.exitCode();
    } catch (EngineException e) {
      // Without RESULT (events: ascp, or an engine crash) the engine's own status is the answer. Its stderr has
      // already been forwarded, so only the first line of the message.
      err.println("asession-java adapter: " + e.getMessage().lines().findFirst().orElse(""));
      return e.exitCode() != null ? e.exitCode() : 1;
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
