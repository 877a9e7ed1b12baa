//go:build unix

package asession

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// needNode skips when node is missing: the engine and the ascp simulator are Node programs.
func needNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH: the asession engine and the ascp simulator need it")
	}
}

// enginePath is $ASESSION_BIN or the built engine of this repository; a missing engine fails the test.
func enginePath(t *testing.T) string {
	t.Helper()
	needNode(t)
	if p := os.Getenv("ASESSION_BIN"); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "dist", "cli.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("engine not built: %v (run `npm run build` at the repository root, or set ASESSION_BIN)", err)
	}
	return p
}

// fixture is one engine run against the ascp simulator: a local folder (the engine's cwd), the simulator's
// remote root with demo/up in it, and the simulator's record.
type fixture struct {
	local, remote, record string
	sim                   string
	stderr                *syncBuffer
	opts                  *Options
}

func newFixture(t *testing.T, scenario string) *fixture {
	t.Helper()
	engine := enginePath(t)
	sim, err := filepath.Abs(filepath.Join("..", "..", "conformance", "simulator", "ascp"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sim); err != nil {
		t.Fatalf("ascp simulator missing: %v", err)
	}
	dir := t.TempDir()
	f := &fixture{
		local:  filepath.Join(dir, "local"),
		remote: filepath.Join(dir, "remote"),
		record: filepath.Join(dir, "record.jsonl"),
		sim:    sim,
		stderr: &syncBuffer{},
	}
	for _, d := range []string{f.local, filepath.Join(f.remote, "demo", "up"), filepath.Join(dir, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The caller's Aspera settings must not leak into the simulator: entries without "=" remove them.
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ASPERA_") || strings.HasPrefix(kv, "ASCP_") {
			env = append(env, strings.SplitN(kv, "=", 2)[0])
		}
	}
	env = append(env, "ASCP_SIM_REMOTE_ROOT="+f.remote, "ASCP_SIM_RECORD="+f.record, "ASCP_SIM_STATE="+filepath.Join(dir, "state"))
	if scenario != "" {
		env = append(env, "ASCP_SIM_SCENARIO="+scenario)
	}
	f.opts = &Options{Engine: engine, Dir: f.local, Env: env, Stderr: f.stderr}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("engine stderr:\n%s", f.stderr.String())
		}
	})
	return f
}

// spec is a send session to demo:/up with the simulator as ascp; extra keys go into the transfer spec.
func (f *fixture) spec(extra map[string]any) map[string]any {
	ts := map[string]any{
		"direction":        "send",
		"remote_host":      "demo",
		"remote_user":      "xfer",
		"destination_root": "/up",
	}
	for k, v := range extra {
		ts[k] = v
	}
	return map[string]any{"spec": ts, "agent": map[string]any{"ascp_path": f.sim}}
}

func (f *fixture) writeLocal(t *testing.T, name string, size int) []byte {
	t.Helper()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	if err := os.WriteFile(filepath.Join(f.local, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}

// records are the simulator's record lines of one kind.
func (f *fixture) records(t *testing.T, kind string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(f.record)
	if err != nil {
		t.Fatalf("simulator record: %v", err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r map[string]any
		if json.Unmarshal(sc.Bytes(), &r) == nil && r["kind"] == kind {
			out = append(out, r)
		}
	}
	return out
}

// until reads events until one has the given type and returns all read so far; it fails on timeout or when the
// channel closes first.
func until(t *testing.T, events <-chan Event, typ string) []Event {
	t.Helper()
	seen, closed := read(t, events, typ)
	if closed {
		t.Fatalf("events ended before %s; saw %s", typ, types(seen))
	}
	return seen
}

// drain reads the rest of the events.
func drain(t *testing.T, events <-chan Event) []Event {
	t.Helper()
	seen, _ := read(t, events, "")
	return seen
}

// read collects events until one has type typ (never, for "") or the channel closes; it fails after 60 s.
func read(t *testing.T, events <-chan Event, typ string) (seen []Event, closed bool) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return seen, true
			}
			seen = append(seen, ev)
			if typ != "" && ev.Type == typ {
				return seen, false
			}
		case <-deadline:
			t.Fatalf("no %q event and no end of events within 60 s; saw %s", typ, types(seen))
		}
	}
}

// startPersistent starts a keepalive session of the fixture and reads its events up to SESSION.
func (f *fixture) startPersistent(t *testing.T) (*Session, <-chan Event) {
	t.Helper()
	s, err := Start(context.Background(), f.spec(map[string]any{"keepalive": true}), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	events := s.Events()
	until(t, events, "SESSION")
	return s, events
}

func types(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Type)
		b.WriteByte(' ')
	}
	return b.String()
}

// alive reports whether pid is a running process (a zombie counts as gone: it no longer runs).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// gone waits up to 5 s for pid to stop running.
func gone(pid int) bool {
	for i := 0; i < 50; i++ {
		if !alive(pid) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeEngine writes a Node script that stands in for the engine and returns its path.
func fakeEngine(t *testing.T, script string) string {
	t.Helper()
	needNode(t)
	p := filepath.Join(t.TempDir(), "fake-engine.js")
	if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func intp(n int) *int { return &n }
