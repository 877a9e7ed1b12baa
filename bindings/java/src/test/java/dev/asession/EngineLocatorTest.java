package dev.asession;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asession.generated.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EngineLocator: engine and Node order, refusals, the jar's engine written once. Fake nodes answer --version only. */
class EngineLocatorTest {
  private static final int MAJOR = Integer.parseInt(Version.VERSION.split("\\.")[0]);

  @TempDir Path tmp;

  private Path fakeNode(String dir, String version) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(dir));
    Path node = d.resolve("node");
    Files.writeString(node, "#!/bin/sh\necho " + version + "\n");
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
    return node;
  }

  private Path engineFile(String name, String version) throws IOException {
    return Files.writeString(tmp.resolve(name), "#!/usr/bin/env node\n// asession engine " + version + ": test\n");
  }

  @Test
  void writeOnceIsSafeForConcurrentFirstRuns() throws Exception {
    Path dir = tmp.resolve("cache");
    byte[] content = "engine ".repeat(50_000).getBytes(StandardCharsets.UTF_8);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Path>> runs = new ArrayList<>();
    for (int i = 0; i < 8; i++) runs.add(pool.submit((Callable<Path>) () -> EngineLocator.writeOnce(dir, content)));
    pool.shutdown();
    Path first = runs.get(0).get();
    for (Future<Path> run : runs) assertEquals(first, run.get());
    assertArrayEquals(content, Files.readAllBytes(first));
    try (var entries = Files.list(dir)) {
      assertEquals(1, entries.count(), "temporary files left behind");
    }
  }

  @Test
  void writeOnceRepairsADamagedCopyAndNamesByContent() throws IOException {
    byte[] content = "whole engine".getBytes(StandardCharsets.UTF_8);
    Path path = EngineLocator.writeOnce(tmp, content);
    Files.writeString(path, "whole");
    assertEquals(path, EngineLocator.writeOnce(tmp, content));
    assertArrayEquals(content, Files.readAllBytes(path));
    assertNotEquals(path, EngineLocator.writeOnce(tmp, "other".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nodeOrderIsOptionThenEnvironmentThenPath() throws IOException {
    Path option = fakeNode("opt", "v20.19.0");
    Path fromEnv = fakeNode("env", "v22.1.0");
    Path onPath = fakeNode("path", "v24.0.0");
    Map<String, String> env = new HashMap<>(Map.of("PATH", onPath.getParent().toString(), "ASESSION_NODE", fromEnv.toString()));
    assertEquals(option.toString(), EngineLocator.findNode(option.toString(), env));
    assertEquals(fromEnv.toString(), EngineLocator.findNode(null, env));
    env.remove("ASESSION_NODE");
    assertEquals(onPath.toString(), EngineLocator.findNode(null, env));
  }

  @Test
  void noFittingNodeNamesEachPlaceTried() throws IOException {
    Path old = fakeNode("old", "v20.18.1");
    EngineNotFoundException e = assertThrows(EngineNotFoundException.class,
        () -> EngineLocator.findNode(null, Map.of("PATH", old.getParent().toString())));
    for (String place : List.of("Options.node (not set)", "$ASESSION_NODE (not set)", "node on PATH (" + old + " is Node 20.18.1, older than 20.19)")) {
      assertTrue(e.getMessage().contains(place), e.getMessage());
    }
    Path good = fakeNode("good", "v22.0.0");
    Path tooOld = fakeNode("tooold", "v18.0.0");
    e = assertThrows(EngineNotFoundException.class,
        () -> EngineLocator.findNode(null, Map.of("PATH", good.getParent().toString(), "ASESSION_NODE", tooOld.toString())));
    assertTrue(e.getMessage().contains("$ASESSION_NODE") && e.getMessage().contains("18.0.0"), e.getMessage());
  }

  @Test
  void anEngineOfAnotherMajorIsRefused() throws IOException {
    Path node = fakeNode("bin", "v22.0.0");
    Path other = engineFile("other.mjs", (MAJOR + 1) + ".0.0");
    Map<String, String> env = Map.of("PATH", node.getParent().toString());
    EngineVersionException e = assertThrows(EngineVersionException.class, () -> EngineLocator.command(List.of(other.toString()), null, env));
    assertTrue(e.getMessage().contains("speaks major version " + MAJOR + " only"), e.getMessage());
    Path sameMajor = engineFile("same.mjs", MAJOR + ".99.0");
    assertEquals(List.of(node.toString(), sameMajor.toString()), EngineLocator.command(List.of(sameMajor.toString()), null, env));
    Path fromEnv = engineFile("env.js", MAJOR + ".0.1");
    Map<String, String> withBin = Map.of("PATH", node.getParent().toString(), "ASESSION_BIN", fromEnv.toString());
    assertEquals(fromEnv.toString(), EngineLocator.command(List.of(), null, withBin).get(1));
  }

  @Test
  void theJarsEngineIsWrittenToTheCacheAndIsThisVersion() throws IOException {
    if (EngineLocator.class.getResource(EngineLocator.RESOURCE) == null) return; // npm run build puts it there
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove(Options.ENGINE_ENV);
    env.put("XDG_CACHE_HOME", tmp.toString());
    List<String> command = EngineLocator.command(List.of(), null, env);
    Path engine = Path.of(command.get(1));
    assertTrue(engine.getFileName().toString().matches("engine-[0-9a-f]{16}\\.mjs"), engine.toString());
    byte[] head = Files.readAllBytes(engine);
    assertEquals(Version.VERSION, EngineLocator.headerVersion(head));
    assertEquals(Version.VERSION, EngineLocator.engineVersion(Options.builder().engine(command).build()));
  }
}
