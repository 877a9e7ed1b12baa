package dev.asession;

import dev.asession.generated.Version;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the engine and the Node that runs it; nothing is downloaded.
 *
 * <p>The engine, in order: {@link Options.Builder#engine}, {@code $ASESSION_BIN}, the one-file engine this jar
 * carries (resource {@value #RESOURCE}, written once to the user's cache folder under a name made of its hash,
 * through a temporary file and an atomic rename so concurrent first runs are safe), {@code asession} on PATH.
 * A JavaScript file runs with {@link Options.Builder#node}, else {@code $ASESSION_NODE}, else {@code node} on
 * PATH, each of version 20.19 or later. A bundled engine names its version near its top; one of another major
 * version than this binding's is refused ({@link EngineVersionException}).
 */
public final class EngineLocator {
  /** Where the jar carries the engine. */
  public static final String RESOURCE = "/dev/asession/engine/cli.js";

  private static final int[] MIN_NODE = {20, 19};
  private static final Pattern HEADER = Pattern.compile("(?m)^// asession engine (\\d+\\.\\d+\\.\\d+\\S*?):");
  private static final Pattern NODE_VERSION = Pattern.compile("^v(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Pattern VERSION_OUT = Pattern.compile("^asession (\\d+\\.\\d+\\.\\d+\\S*)\\s*$");
  /** Node versions already asked, by path (null value: not a usable Node). */
  private static final Map<String, int[]> NODE_VERSIONS = new ConcurrentHashMap<>();
  private static volatile Path extracted;

  private EngineLocator() {}

  /** The command line that starts the engine (see the class comment for the order). */
  static List<String> command(List<String> configured, String node, Map<String, String> env) {
    if (configured.size() > 1) return configured; // a full command line is used as given
    String from;
    String engine;
    String fromEnv = env.get(Options.ENGINE_ENV);
    if (!configured.isEmpty()) {
      from = "Options.engine";
      engine = configured.get(0);
    } else if (fromEnv != null && !fromEnv.isBlank()) {
      from = "$" + Options.ENGINE_ENV;
      engine = fromEnv;
    } else {
      Path packaged = extractedEngine(env);
      if (packaged != null) {
        from = "the engine inside the asession jar";
        engine = packaged.toString();
      } else {
        from = "PATH";
        engine = onPath("asession", env);
        if (engine == null) {
          throw new EngineNotFoundException("asession engine not found: set Options.engine or " + Options.ENGINE_ENV
              + ", use a jar that carries the engine (" + RESOURCE + "), or put asession on PATH", null);
        }
      }
    }
    String version = headerVersion(Path.of(engine));
    if (version != null) checkMajor(version, from + " " + engine);
    if (engine.endsWith(".js") || engine.endsWith(".mjs")) return List.of(findNode(node, env), engine);
    return List.of(engine);
  }

  /**
   * The version the engine reports ({@code --version}), refusing one of another major version.
   *
   * @throws EngineNotFoundException when there is no engine or it does not answer
   */
  public static String engineVersion(Options options) {
    List<String> command = new ArrayList<>(options.resolveEngine());
    command.add("--version");
    String out;
    int code;
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      code = p.waitFor();
    } catch (IOException e) {
      throw new EngineNotFoundException("could not run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineNotFoundException("interrupted while running " + command, e);
    }
    Matcher m = VERSION_OUT.matcher(out);
    if (code != 0 || !m.find()) {
      throw new EngineNotFoundException(command + " answered exit " + code + " and \"" + out.strip() + "\", not \"asession X.Y.Z\"", null);
    }
    checkMajor(m.group(1), String.join(" ", command));
    return m.group(1);
  }

  static void checkMajor(String version, String where) {
    if (!major(version).equals(major(Version.VERSION))) {
      throw new EngineVersionException("asession engine " + where + " is version " + version + ", but this Java binding ("
          + Version.VERSION + ") speaks major version " + major(Version.VERSION) + " only: use a matching engine or binding");
    }
  }

  private static String major(String version) {
    return version.split("\\.", 2)[0];
  }

  /** The version a bundled engine names near its top; null for anything else (a wrapper script, a fake). */
  static String headerVersion(byte[] head) {
    Matcher m = HEADER.matcher(new String(head, 0, Math.min(head.length, 512), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : null;
  }

  private static String headerVersion(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return headerVersion(in.readNBytes(512));
    } catch (IOException e) {
      return null;
    }
  }

  /** The jar's engine as a file of the user's cache folder; null when this jar carries none. */
  private static Path extractedEngine(Map<String, String> env) {
    Path done = extracted;
    if (done != null && Files.isRegularFile(done)) return done;
    byte[] content;
    try (InputStream in = EngineLocator.class.getResourceAsStream(RESOURCE)) {
      if (in == null) return null;
      content = in.readAllBytes();
    } catch (IOException e) {
      throw new EngineNotFoundException("could not read " + RESOURCE + " from the jar: " + e.getMessage(), e);
    }
    extracted = writeOnce(cacheDir(env).resolve("asession"), content);
    return extracted;
  }

  /**
   * Stores content in dir under a name made of its hash, unless a file with that content is there already.
   * Each writer uses its own temporary file and renames it into place: a reader sees no file or a whole one.
   */
  static Path writeOnce(Path dir, byte[] content) {
    Path path = dir.resolve("engine-" + sha256(content).substring(0, 16) + ".mjs");
    try {
      if (Files.isRegularFile(path) && Arrays.equals(Files.readAllBytes(path), content)) return path;
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".engine-", ".tmp");
      try {
        Files.write(tmp, content);
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return path;
    } catch (IOException e) {
      throw new EngineNotFoundException("could not write the engine to " + path + ": " + e.getMessage(), e);
    }
  }

  /** The user's cache folder, as Go's os.UserCacheDir picks it (so both bindings share one copy). */
  static Path cacheDir(Map<String, String> env) {
    String os = System.getProperty("os.name", "").toLowerCase();
    String home = System.getProperty("user.home");
    if (os.startsWith("windows")) {
      String local = env.get("LocalAppData");
      if (local != null && !local.isBlank()) return Path.of(local);
    } else if (os.contains("mac")) {
      return Path.of(home, "Library", "Caches");
    } else {
      String xdg = env.get("XDG_CACHE_HOME");
      if (xdg != null && xdg.startsWith("/")) return Path.of(xdg);
    }
    return Path.of(home, ".cache");
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every Java platform has SHA-256
    }
  }

  /** The Node for an engine file; an explicit one that does not fit is reported, not replaced. */
  static String findNode(String explicit, Map<String, String> env) {
    List<String> tried = new ArrayList<>();
    String[][] candidates = {{explicit, "Options.node"}, {env.get("ASESSION_NODE"), "$ASESSION_NODE"}};
    for (String[] c : candidates) {
      if (c[0] == null || c[0].isBlank()) {
        tried.add(c[1] + " (not set)");
        continue;
      }
      String path = c[0].contains(File.separator) ? c[0] : onPath(c[0], env);
      String problem = path == null ? "not found" : nodeProblem(path);
      if (problem == null) return path;
      throw new EngineNotFoundException(c[1] + " \"" + c[0] + "\" " + problem + " (asession needs Node >= 20.19)", null);
    }
    String path = onPath("node", env);
    String problem = path == null ? "not found" : nodeProblem(path);
    if (problem == null) return path;
    tried.add("node on PATH (" + (path == null ? "" : path + " ") + problem + ")");
    throw new EngineNotFoundException("no Node >= 20.19 to run the asession engine; tried " + String.join(", ", tried), null);
  }

  private static String nodeProblem(String node) {
    int[] v = NODE_VERSIONS.computeIfAbsent(node, EngineLocator::askNode);
    if (v.length == 0) return "does not run or is not Node";
    if (v[0] < MIN_NODE[0] || v[0] == MIN_NODE[0] && v[1] < MIN_NODE[1]) {
      return "is Node " + v[0] + "." + v[1] + "." + v[2] + ", older than 20.19";
    }
    return null;
  }

  private static int[] askNode(String node) {
    try {
      Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      p.getInputStream().transferTo(out);
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      Matcher m = NODE_VERSION.matcher(out.toString(StandardCharsets.UTF_8).strip());
      if (!m.find()) return new int[0];
      return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
    } catch (IOException e) {
      return new int[0];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new int[0];
    }
  }

  private static String onPath(String name, Map<String, String> env) {
    String path = env.get("PATH");
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate.toString();
    }
    return null;
  }
}
