package asession

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func fakeNode(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "node")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho "+version+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestEmbeddedEngineIsTheBindingsVersion(t *testing.T) {
	if got := headerVersion(embeddedEngine); got != Version {
		t.Fatalf("embedded engine says %q, module is %q (run npm run gen)", got, Version)
	}
}

func TestWriteOnceConcurrentFirstRuns(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	content := []byte(strings.Repeat("engine ", 50000))
	paths := make([]string, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range paths {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			paths[i], errs[i] = writeOnce(dir, content)
		}(i)
	}
	wg.Wait()
	for i := range paths {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("run %d: %q %v (first: %q)", i, paths[i], errs[i], paths[0])
		}
	}
	if got, _ := os.ReadFile(paths[0]); string(got) != string(content) {
		t.Fatalf("content differs (%d bytes)", len(got))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestWriteOnceReplacesADamagedCopy(t *testing.T) {
	dir := t.TempDir()
	content := []byte("whole engine")
	path, err := writeOnce(dir, content)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content[:5], 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := writeOnce(dir, content); err != nil || again != path {
		t.Fatalf("%q %v", again, err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(content) {
		t.Fatalf("not repaired: %q", got)
	}
	other, _ := writeOnce(dir, []byte("another engine"))
	if other == path {
		t.Fatal("different content must get a different name")
	}
}

func TestFindNodeOrder(t *testing.T) {
	option, fromEnv, onPath := fakeNode(t, "v20.19.0"), fakeNode(t, "v22.1.0"), fakeNode(t, "v24.0.0")
	t.Setenv("PATH", filepath.Dir(onPath))
	t.Setenv("ASESSION_NODE", fromEnv)
	if got, err := findNode(option); err != nil || got != option {
		t.Fatalf("option: %q %v", got, err)
	}
	if got, err := findNode(""); err != nil || got != fromEnv {
		t.Fatalf("env: %q %v", got, err)
	}
	t.Setenv("ASESSION_NODE", "")
	if got, err := findNode(""); err != nil || got != onPath {
		t.Fatalf("PATH: %q %v", got, err)
	}
}

func TestFindNodeRefusesOldNodeAndNamesEachPlace(t *testing.T) {
	old := fakeNode(t, "v20.18.9")
	t.Setenv("PATH", filepath.Dir(old))
	t.Setenv("ASESSION_NODE", "")
	_, err := findNode("")
	for _, want := range []string{"Options.Node (empty)", "$ASESSION_NODE (empty)", "node on PATH (" + old + " is Node 20.18.9, older than 20.19)"} {
		if !errors.Is(err, ErrEngineNotFound) || err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("want %q in %v", want, err)
		}
	}
	// An explicit Node that does not fit is reported, not replaced by the one on PATH.
	t.Setenv("PATH", filepath.Dir(fakeNode(t, "v22.0.0")))
	t.Setenv("ASESSION_NODE", fakeNode(t, "v18.0.0"))
	if _, err := findNode(""); err == nil || !strings.Contains(err.Error(), "$ASESSION_NODE") || !strings.Contains(err.Error(), "18.0.0") {
		t.Fatalf("got %v", err)
	}
}

func TestEngineOfAnotherMajorIsRefused(t *testing.T) {
	major, _ := strconv.Atoi(strings.SplitN(Version, ".", 2)[0])
	engine := filepath.Join(t.TempDir(), "asession.mjs")
	header := fmt.Sprintf("#!/usr/bin/env node\n// asession engine %d.0.0: test\n", major+1)
	if err := os.WriteFile(engine, []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ASESSION_NODE", fakeNode(t, "v22.0.0"))
	_, err := Start(context.Background(), map[string]any{}, &Options{Engine: engine})
	if !errors.Is(err, ErrEngineVersion) || !strings.Contains(err.Error(), "speaks major version") {
		t.Fatalf("got %v", err)
	}
}

func TestEngineVersionOfTheEmbeddedEngine(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	t.Setenv("ASESSION_BIN", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // used when this process has not extracted the engine yet
	got, err := EngineVersion(context.Background(), nil)
	if err != nil || got != Version {
		t.Fatalf("%q %v", got, err)
	}
}
