package dev.asession;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.asession.generated.Contract;
import dev.asession.generated.Event;
import dev.asession.generated.ProgressEvent;
import dev.asession.generated.ResultEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One running asession engine: writes the session spec, delivers its events, sends commands, and reaps the
 * process on {@link #close()}.
 *
 * <p>Events reach listeners registered with {@link Builder#onEvent} and {@link Builder#onProgress} (on a
 * background thread) and the blocking {@link #events()} stream; a listener takes nothing from that stream. Events are kept for {@link #events()} until it is called; calling {@link #waitFor()}
 * without ever having called {@link #events()} stops keeping them, so a listener-only session does not grow.
 */
public final class Session implements AutoCloseable {
  // Paths as their text: Jackson's default writes a java.nio.file.Path as a file: URI, which no spec key takes.
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer(Path.class)));
  private static final Object END = new Object();

  private final Process process;
  private final Options options;
  private final boolean ascpEventsOnly;
  private final List<Consumer<? super Event>> listeners;
  private final Writer stdin;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch stdoutDone = new CountDownLatch(1);
  private final CountDownLatch stderrDone = new CountDownLatch(1);
  // The last Contract.STDERR_TAIL_BYTES bytes of the engine's stderr, as a ring.
  private final byte[] stderrTail = new byte[Contract.STDERR_TAIL_BYTES];
  private long stderrBytes;
  private final AtomicBoolean signalled = new AtomicBoolean();
  private final Thread stdoutReader;
  private final Thread stderrReader;
  // Separate locks: a blocked write to the engine must not stall the stderr drain nor events().
  // stateLock guards the stderr tail and the first failure.
  private final Object writeLock = new Object();
  private final Object stateLock = new Object();

  private boolean inputClosed;
  private boolean eventsTaken;
  private volatile boolean keepEvents = true;
  private volatile boolean closed;
  private volatile ResultEvent result;
  private volatile ProgressEvent lastProgress;
  private volatile AsessionException failure;

  private Session(String specJson, boolean ascpEventsOnly, Options options, List<Consumer<? super Event>> listeners) {
    this.options = options;
    this.ascpEventsOnly = ascpEventsOnly;
    this.listeners = List.copyOf(listeners);
    List<String> command = options.resolveEngine();
    ProcessBuilder pb = new ProcessBuilder(command);
    if (options.directory() != null) pb.directory(options.directory().toFile());
    if (options.clearEnvironment()) pb.environment().clear();
    options.env().forEach((k, v) -> {
      if (v == null) pb.environment().remove(k);
      else pb.environment().put(k, v);
    });
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new EngineNotFoundException("could not start the asession engine " + command + ": " + e.getMessage(), e);
    }
    stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Pipe out = new Pipe(process.getInputStream());
    Pipe err = new Pipe(process.getErrorStream());
    stdoutReader = daemon("asession-stdout-" + process.pid(), () -> readStdout(out));
    stderrReader = daemon("asession-stderr-" + process.pid(), () -> readStderr(err));
    daemon("asession-reaper-" + process.pid(), () -> reap(out, err));
    try {
      writeLine(specJson);
    } catch (UncheckedIOException e) {
      // The engine is already gone; waitFor() reports why from its RESULT or stderr.
      closeInput();
    }
  }

  /** Starts a session from a session spec given as a map (serialised to JSON). */
  public static Session start(Map<String, ?> spec, Options options) {
    return builder().spec(spec).options(options).start();
  }

  /** Starts a session from a session spec given as JSON text. */
  public static Session start(String specJson, Options options) {
    return builder().spec(specJson).options(options).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private void readStdout(Pipe pipe) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(pipe, StandardCharsets.UTF_8))) {
      // readLine has no length limit: an event line of any size arrives whole.
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        Event event;
        try {
          event = Event.decode(line);
        } catch (IllegalArgumentException e) {
          // Contract non_event_line: skipped, reported where the engine's logs go, the outcome unchanged.
          stderrLine("not an event: the engine printed a stdout line that is not an event: " + e.getMessage());
          continue;
        }
        if (event instanceof ResultEvent r0) result = r0;
        if (event instanceof ProgressEvent p0) lastProgress = p0;
        for (Consumer<? super Event> listener : listeners) {
          try {
            listener.accept(event);
          } catch (RuntimeException e) {
            fail(new AsessionException("an event listener threw: " + e, e));
          }
        }
        if (keepEvents) queue.add(event);
      }
    } catch (IOException e) {
      if (!closed) fail(new AsessionException("reading the engine's output failed: " + e.getMessage(), e));
    } finally {
      endOfEvents();
    }
  }

  private void endOfEvents() {
    synchronized (stdoutDone) {
      if (stdoutDone.getCount() == 0) return;
      queue.add(END);
      stdoutDone.countDown();
    }
  }

  // Bytes as they come, for the exact tail; lines for the listener.
  private void readStderr(Pipe pipe) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    try {
      for (int n; (n = pipe.read(buf)) > 0; ) {
        keepStderr(buf, n);
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') line.write(buf[i]);
          else forwardStderr(line);
        }
      }
      if (line.size() > 0) forwardStderr(line);
    } catch (IOException | RuntimeException e) {
      stderrLine("(stderr reader stopped: " + e + ")");
    } finally {
      stderrDone.countDown();
    }
  }

  private void forwardStderr(ByteArrayOutputStream line) {
    Consumer<String> forward = options.stderrListener();
    if (forward != null) forward.accept(line.toString(StandardCharsets.UTF_8));
    line.reset();
  }

  /** A line of the binding's own about the engine, where the engine's logs go (listener and tail). */
  private void stderrLine(String text) {
    Consumer<String> forward = options.stderrListener();
    if (forward != null) forward.accept(text);
    byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
    keepStderr(b, b.length);
  }

  private void keepStderr(byte[] b, int n) {
    synchronized (stateLock) {
      for (int i = Math.max(0, n - stderrTail.length); i < n; i++) stderrTail[(int) (stderrBytes++ % stderrTail.length)] = b[i];
    }
  }

  /** The last {@value Contract#STDERR_TAIL_BYTES} bytes the engine wrote to stderr, decoded as UTF-8. */
  public String stderrTail() {
    synchronized (stateLock) {
      int size = (int) Math.min(stderrBytes, stderrTail.length);
      byte[] out = new byte[size];
      int start = (int) ((stderrBytes - size) % stderrTail.length);
      for (int i = 0; i < size; i++) out[i] = stderrTail[(start + i) % stderrTail.length];
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  /**
   * After the engine exited, a pipe silent for {@value Contract#PIPE_DRAIN_SEC} s while its reader waits on it is
   * held open by a process the engine started: it is given up (the events end there). A busy reader is never cut off.
   */
  private void reap(Pipe out, Pipe err) {
    try {
      process.waitFor();
      while (stdoutDone.getCount() > 0 || stderrDone.getCount() > 0) {
        long outBefore = out.count.get();
        long errBefore = err.count.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Contract.PIPE_DRAIN_SEC);
        stdoutDone.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        stderrDone.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (stdoutDone.getCount() > 0 && out.waiting && out.count.get() == outBefore) endOfEvents();
        if (stderrDone.getCount() > 0 && err.waiting && err.count.get() == errBefore) stderrDone.countDown();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One of the engine's output pipes: counts bytes and tells whether its reader is blocked waiting for more. */
  private static final class Pipe extends FilterInputStream {
    final AtomicLong count = new AtomicLong();
    volatile boolean waiting;

    Pipe(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      waiting = true;
      try {
        int n = super.read(b, off, len);
        if (n > 0) count.addAndGet(n);
        return n;
      } finally {
        waiting = false;
      }
    }
  }

  private void fail(AsessionException e) {
    synchronized (stateLock) {
      if (failure == null) failure = e;
    }
  }

  /** Process id of the engine. */
  public long pid() {
    return process.pid();
  }

  /** Whether the engine process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * The engine's events in order, RESULT last; blocks while the next one has not arrived and ends when the engine
   * closes its output. Can be called once; a thread interrupted while waiting gets an {@link AsessionException}.
   */
  public synchronized Stream<Event> events() {
    if (eventsTaken) throw new IllegalStateException("events() can be called once per session");
    if (!keepEvents) throw new IllegalStateException("events() after waitFor(): the events were not kept");
    eventsTaken = true;
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(new EventIterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  private final class EventIterator implements Iterator<Event> {
    private Object next;

    @Override
    public boolean hasNext() {
      if (next == null) {
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AsessionException("interrupted while waiting for an event", e);
        }
      }
      return next != END;
    }

    @Override
    public Event next() {
      if (!hasNext()) throw new NoSuchElementException();
      Event e = (Event) next;
      next = null;
      return e;
    }
  }

  /** Sends one command (serialised to one JSON line), e.g. {@code Map.of("type", "CANCEL")}. */
  public void send(Map<String, ?> command) {
    sendRaw(toJson(command));
  }

  /**
   * Sends one line to the engine's stdin as it is; the engine answers a line it cannot use with a
   * COMMAND_REJECTED event.
   *
   * @throws IllegalArgumentException when the text holds a line feed (it would be several commands)
   * @throws IllegalStateException after {@link #closeInput()}
   * @throws UncheckedIOException when the engine no longer reads its input
   */
  public void sendRaw(String line) {
    if (line.indexOf('\n') >= 0) throw new IllegalArgumentException("a command is one line: it must not contain \\n");
    writeLine(line);
  }

  private void writeLine(String line) {
    synchronized (writeLock) {
      if (inputClosed) throw new IllegalStateException("the engine's input is closed");
      try {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to the engine (has it exited?): " + e.getMessage(), e);
      }
    }
  }

  /** Persistent session: queues one file; destination may be null. */
  public void startFile(String source, String destination) {
    startFile(source, destination, null, null);
  }

  /**
   * Persistent session: queues one file. Null leaves a field out: destination, fileBytes (a byte range
   * "start:end", either side may be empty), sessionIndex (one ascp of a multi-session job; default every session).
   */
  public void startFile(String source, String destination, String fileBytes, Integer sessionIndex) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "START");
    c.put("source", Objects.requireNonNull(source, "source"));
    if (destination != null) c.put("destination", destination);
    if (fileBytes != null) c.put("file_bytes", fileBytes);
    if (sessionIndex != null) c.put("session_index", sessionIndex);
    send(c);
  }

  /**
   * Changes the rates (kbps) or the policy (fair, high, fixed, low) of every session of the job; null leaves a value
   * unchanged.
   */
  public void setRate(Long kbps, Long minKbps, String policy) {
    if (kbps == null && minKbps == null && policy == null) throw new IllegalArgumentException("setRate needs a rate, a minimum rate or a policy");
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", "RATE");
    if (kbps != null) c.put("rate", kbps);
    if (minKbps != null) c.put("min_rate", minKbps);
    if (policy != null) c.put("policy", policy);
    send(c);
  }

  /**
   * Asks for a PROGRESS of the whole job now ({@code {"type":"STATUS"}}); the engine answers at once, through
   * listeners and {@link #events()} like any event, also when the timer is off ({@code progress_interval_ms} 0).
   * STATUS is job-wide: it takes no session index.
   */
  public void status() {
    send(Map.of("type", "STATUS"));
  }

  /**
   * The last PROGRESS the engine printed so far, or null before the first; RESULT's {@code totals().files()},
   * {@code bytes()} and {@code rateAvgBps()} repeat the final one's figures.
   */
  public ProgressEvent lastProgress() {
    return lastProgress;
  }

  /** Persistent session: no more files. With linger, ascp finishes queued work first and refuses new sources. */
  public void done(boolean linger) {
    send(linger ? Map.of("type", "DONE", "operation", "Linger") : Map.of("type", "DONE"));
  }

  /** Tells the engine no more commands will come: a persistent session then finishes its queue and ends. */
  public void closeInput() {
    synchronized (writeLock) {
      if (inputClosed) return;
      inputClosed = true;
      try {
        stdin.close();
      } catch (IOException e) {
        // The engine has exited and closed the pipe: nothing is left to tell it.
      }
    }
  }

  /**
   * Cancels the job: SIGTERM to the engine, which cancels ascp, cleans up and ends with RESULT status cancelled,
   * exit 130; an engine still running {@link Options#closeGrace()} later is killed. The signal goes once per
   * session: a second cancel(), or close() after cancel(), sends nothing more (the engine would read a second
   * SIGTERM as "kill ascp now"). Returns at once; {@link #waitFor()} then throws a {@link TransferException}.
   */
  public void cancel() {
    if (!process.isAlive() || !signalled.compareAndSet(false, true)) return;
    // Not Process.destroy(): it also closes our end of stdout, losing the RESULT the engine prints next.
    process.toHandle().destroy();
    daemon("asession-grace-" + process.pid(), () -> {
      try {
        if (!process.waitFor(options.closeGrace().toMillis(), TimeUnit.MILLISECONDS)) kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /**
   * Waits for the engine to end and returns its RESULT; null when the spec asked for ascp's events only
   * ({@code "events": "ascp"}, no RESULT) and the engine exited 0.
   *
   * @throws TransferException when RESULT's status is failed or cancelled
   * @throws EngineException when the engine ended without RESULT or printed a line that is not an event
   * @throws AsessionException when an event listener threw
   */
  public ResultEvent waitFor() throws InterruptedException {
    stopKeepingUnlessStreamed();
    stdoutDone.await();
    return outcome(process.waitFor());
  }

  /**
   * Like {@link #waitFor()}, but gives up after the timeout (the engine keeps running).
   *
   * @throws TimeoutException when the engine has not ended in time
   */
  public ResultEvent waitFor(Duration timeout) throws InterruptedException, TimeoutException {
    stopKeepingUnlessStreamed();
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!stdoutDone.await(timeout.toNanos(), TimeUnit.NANOSECONDS)
        || !process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("asession still running after " + timeout);
    }
    return outcome(process.exitValue());
  }

  private synchronized void stopKeepingUnlessStreamed() {
    if (eventsTaken || !keepEvents) return;
    keepEvents = false;
    queue.clear();
  }

  // The client contract's outcome table (Contract.OUTCOME_ROWS): the first matching row decides.
  private ResultEvent outcome(int exitCode) throws InterruptedException {
    // stderr ends with the process; a grandchild holding it open must not hold us up.
    stderrDone.await(Contract.PIPE_DRAIN_SEC, TimeUnit.SECONDS);
    ResultEvent r = result;
    String kind = outcomeOf(r, exitCode, ascpEventsOnly);
    if (failure != null && !"engine_error".equals(kind)) throw failure;
    switch (kind) {
      case "none":
        return null;
      case "transfer_error":
        throw new TransferException(r, stderrTail());
      case "result":
        return r;
      default:
        String tail = stderrTail();
        String why = ascpEventsOnly ? " (events: ascp, so no RESULT line)" : " without a RESULT line";
        throw new EngineException(
            "asession exited with status " + exitCode + why + (tail.isEmpty() ? "" : "; stderr:\n" + tail), exitCode, tail, failure);
    }
  }

  static String outcomeOf(ResultEvent r, int exitCode, boolean ascpOnly) {
    String mode = ascpOnly ? "ascp" : "all";
    for (Contract.OutcomeRow row : Contract.OUTCOME_ROWS) {
      if (("present".equals(row.result())) != (r != null)) continue;
      if (row.status() != null && (r == null || !row.status().equals(r.status()))) continue;
      if ("0".equals(row.exit()) && exitCode != 0 || "nonzero".equals(row.exit()) && exitCode == 0) continue;
      if (!"any".equals(row.events()) && !row.events().equals(mode)) continue;
      return row.outcome();
    }
    return "engine_error";
  }

  /**
   * Ends the session on every path: if the engine still runs, sends SIGTERM (it cancels ascp and cleans up), waits
   * {@link Options#closeGrace()}, then kills it and anything it started; closes its input; stops the reader threads.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    boolean interrupted = false;
    try {
      if (process.isAlive()) {
        cancel();
        if (!process.waitFor(options.closeGrace().toMillis(), TimeUnit.MILLISECONDS)) kill();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      kill();
    }
    // After the engine is gone: a write blocked on a full pipe has failed by now and released the lock.
    closeInput();
    try {
      stdoutDone.await(Contract.PIPE_DRAIN_SEC, TimeUnit.SECONDS);
      stderrDone.await(Contract.PIPE_DRAIN_SEC, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void kill() {
    // Collected before the engine dies: afterwards its children are no longer its descendants.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Builds and starts a {@link Session}. */
  public static final class Builder {
    private String specJson;
    private boolean ascpEventsOnly;
    private Options options = Options.defaults();
    private final List<Consumer<? super Event>> listeners = new ArrayList<>();

    private Builder() {}

    /** The session spec as a map ({@code spec}, {@code agent}, ...), serialised to JSON ({@link Path}s as text). */
    public Builder spec(Map<String, ?> spec) {
      this.specJson = toJson(Objects.requireNonNull(spec, "spec"));
      this.ascpEventsOnly = "ascp".equals(spec.get("events"));
      return this;
    }

    /** The session spec as JSON text (may span several lines). */
    public Builder spec(String json) {
      this.specJson = Objects.requireNonNull(json, "json");
      this.ascpEventsOnly = asksAscpEventsOnly(json);
      return this;
    }

    public Builder options(Options options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Adds a listener called with every event, in order, on the session's reader thread. */
    public Builder onEvent(Consumer<? super Event> listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a listener called with every PROGRESS, in order, on the session's reader thread, before that event is
     * kept for {@link Session#events()}: a filtered {@link #onEvent} listener, so it sees every PROGRESS whether or
     * not the stream is read ({@link Session#waitFor()} alone is enough) and takes nothing from it. Keep it quick:
     * it holds up the reading.
     */
    public Builder onProgress(Consumer<? super ProgressEvent> listener) {
      Objects.requireNonNull(listener, "listener");
      return onEvent(event -> {
        if (event instanceof ProgressEvent progress) listener.accept(progress);
      });
    }

    /**
     * Starts the engine and writes the spec.
     *
     * @throws EngineNotFoundException when the engine cannot be found or started
     */
    public Session start() {
      if (specJson == null) throw new IllegalStateException("no session spec given");
      return new Session(specJson, ascpEventsOnly, options, listeners);
    }

    // Only to know whether a RESULT line is due; the engine itself judges the spec.
    private static boolean asksAscpEventsOnly(String json) {
      try {
        JsonNode events = JSON.readTree(json).get("events");
        return events != null && "ascp".equals(events.asText());
      } catch (JsonProcessingException | RuntimeException e) {
        return false;
      }
    }
  }
}
