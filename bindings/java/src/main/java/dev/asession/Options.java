package dev.asession;

import dev.asession.generated.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** How to run the engine. Immutable; build with {@link #builder()}. */
public final class Options {
  /** Environment variable (of this process) naming the engine when {@link Builder#engine} is not set. */
  public static final String ENGINE_ENV = Contract.ENGINE_ENV_VAR;

  private final List<String> engine;
  private final String node;
  private final Path directory;
  private final Map<String, String> env;
  private final boolean clearEnvironment;
  private final Duration closeGrace;
  private final Consumer<String> stderrListener;

  private Options(Builder b) {
    this.engine = List.copyOf(b.engine);
    this.node = b.node;
    this.directory = b.directory;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.clearEnvironment = b.clearEnvironment;
    this.closeGrace = b.closeGrace;
    this.stderrListener = b.stderrListener;
  }

  /** Engine found through {@value #ENGINE_ENV}, the jar or PATH, current directory, inherited environment. */
  public static Options defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configured engine command; empty when it is to be found through the environment. */
  public List<String> engine() {
    return engine;
  }

  public Path directory() {
    return directory;
  }

  /** Variables added to (or, with a null value, removed from) the inherited environment. */
  public Map<String, String> env() {
    return env;
  }

  /** Whether the engine's environment starts empty (only {@link #env()}) instead of inheriting this process's. */
  public boolean clearEnvironment() {
    return clearEnvironment;
  }

  /** How long the engine gets after SIGTERM (cancel, close) before it is killed. */
  public Duration closeGrace() {
    return closeGrace;
  }

  public Consumer<String> stderrListener() {
    return stderrListener;
  }

  /** The Node that runs an engine file; null: {@code $ASESSION_NODE}, then {@code node} on PATH. */
  public String node() {
    return node;
  }

  /**
   * The command line that starts the engine: the configured command, else {@value #ENGINE_ENV}, else the engine
   * this jar carries, else {@code asession} on PATH; an engine file runs with Node (see {@link EngineLocator}).
   *
   * @throws EngineNotFoundException when none of these names an engine, or no Node fits
   */
  public List<String> resolveEngine() {
    return EngineLocator.command(engine, node, System.getenv());
  }

  /** Builder of {@link Options}. */
  public static final class Builder {
    private List<String> engine = List.of();
    private String node;
    private Path directory;
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean clearEnvironment;
    private Duration closeGrace = Duration.ofSeconds(Contract.GRACE_SEC);
    private Consumer<String> stderrListener;

    private Builder() {}

    /** The engine command: an executable, a {@code .js}/{@code .mjs} file (run with Node), or a full command line. */
    public Builder engine(String... command) {
      return engine(List.of(command));
    }

    public Builder engine(List<String> command) {
      this.engine = List.copyOf(command);
      return this;
    }

    /** The Node (a path, or a name looked up on PATH) that runs an engine file; version 20.19 or later. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    /** Working directory of the engine (relative paths of the spec resolve against it). */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /** Sets a variable of the engine's environment; a null value removes an inherited one. */
    public Builder env(String name, String value) {
      env.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    public Builder env(Map<String, String> variables) {
      variables.forEach(this::env);
      return this;
    }

    /** Starts the engine's environment empty: only the variables set with {@link #env} are passed. */
    public Builder clearEnvironment() {
      this.clearEnvironment = true;
      return this;
    }

    /** How long cancel() and close() wait after SIGTERM (the engine then cancels ascp and cleans up) before killing. */
    public Builder closeGrace(Duration grace) {
      if (grace.isNegative()) throw new IllegalArgumentException("closeGrace must not be negative");
      this.closeGrace = grace;
      return this;
    }

    /** Receives each line the engine writes to stderr (its logs), on a background thread. */
    public Builder onStderr(Consumer<String> listener) {
      this.stderrListener = listener;
      return this;
    }

    public Options build() {
      return new Options(this);
    }
  }
}
