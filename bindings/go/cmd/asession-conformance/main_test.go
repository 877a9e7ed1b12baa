//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the adapter: with this variable set it runs main instead of the tests.
const beAdapter = "ASESSION_CONFORMANCE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(beAdapter) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// fakeEngine echoes each stdin line as an event, and on end of stdin or SIGTERM prints RESULT and exits
// with RESULT's exit_code.
const fakeEngine = `
const readline = require("node:readline");
const totals = { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 };
const finish = (status, code) => {
  process.stdout.write(JSON.stringify({ type: "RESULT", status, exit_code: code, error: null, sessions: [], totals, elapsed_ms: 1 }) + "\n",
    () => process.exit(code));
};
process.on("SIGTERM", () => finish("cancelled", 130));
process.stdout.write(JSON.stringify({ type: "ARGS", args: process.argv.slice(2).join(" ") }) + "\n");
readline.createInterface({ input: process.stdin })
  .on("line", (line) => process.stdout.write(JSON.stringify({ type: "ECHO", line }) + "\n"))
  .on("close", () => { if (!process.env.FAKE_HANG) finish("failed", 3); });
`

func adapter(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH: the fake engine is a Node script")
	}
	engine := filepath.Join(t.TempDir(), "engine.js")
	if err := os.WriteFile(engine, []byte(fakeEngine), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{"--engine", engine}, args...)...)
	cmd.Env = append(os.Environ(), beAdapter+"=1")
	return cmd
}

type echo struct {
	Type string `json:"type"`
	Line string `json:"line"`
	Args string `json:"args"`
}

func parseLines(t *testing.T, out string) []echo {
	t.Helper()
	var evs []echo
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e echo
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("stdout line is not JSON: %q", l)
		}
		evs = append(evs, e)
	}
	return evs
}

func TestForwardsLinesAndExitsWithResultCode(t *testing.T) {
	cmd := adapter(t, "--flag", "x")
	lines := []string{`{"spec":{"a":1}}`, `{"type":"DONE"}`, `not json at all`, ``, `{"type":"CANCEL"}`}
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Fatalf("exit status %d (%v), want RESULT's 3; stderr: %s", code, err, stderr.String())
	}
	evs := parseLines(t, string(out))
	if evs[0].Type != "ARGS" || evs[0].Args != "--flag x" {
		t.Fatalf("engine arguments: %+v", evs[0])
	}
	var echoed []string
	for _, e := range evs[1 : len(evs)-1] {
		echoed = append(echoed, e.Line)
	}
	if strings.Join(echoed, "\n") != strings.Join(lines, "\n") {
		t.Fatalf("engine got lines %q, want %q", echoed, lines)
	}
	if last := evs[len(evs)-1]; last.Type != "RESULT" {
		t.Fatalf("last line %+v", last)
	}
}

func TestSIGTERMCancels(t *testing.T) {
	cmd := adapter(t)
	cmd.Env = append(cmd.Env, "FAKE_HANG=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	io.WriteString(stdin, "{\"spec\":{}}\n")
	r := bufio.NewReader(stdout)
	// The spec's echo shows the engine runs and has its signal handler.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stdout ended before the spec was echoed: %v", err)
		}
		if strings.Contains(line, `"ECHO"`) {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("adapter did not exit within 20 s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit status %d, want 130", code)
	}
	if !strings.Contains(string(rest), `"status":"cancelled"`) {
		t.Fatalf("no cancelled RESULT in %q", rest)
	}
}
