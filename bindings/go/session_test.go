//go:build unix

package asession

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSendSessionCopiesFileWithTypedEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	data := f.writeLocal(t, "a.bin", 100_000)
	s, err := Start(context.Background(), f.spec(map[string]any{"paths": []map[string]any{{"source": "a.bin"}}}), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events := drain(t, s.Events())
	res, err := s.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}

	var spawn *SpawnEvent
	var stop *AscpEvent
	for _, ev := range events {
		switch {
		case ev.Spawn != nil:
			spawn = ev.Spawn
		case ev.Ascp != nil && ev.Type == "STOP":
			stop = ev.Ascp
		}
	}
	if spawn == nil || spawn.Pid <= 0 || spawn.Attempt != 1 || spawn.AscpPath == "" {
		t.Fatalf("SPAWN event %+v in %s", spawn, types(events))
	}
	if stop == nil || stop.Size == nil || *stop.Size != int64(len(data)) {
		t.Fatalf("STOP event %+v", stop)
	}
	last := events[len(events)-1]
	if last.Result == nil || last.Result != res {
		t.Fatalf("last event is %s, not the RESULT Wait returned", last.Type)
	}
	if res.Status != "success" || res.ExitCode != 0 || res.Error != nil || res.Totals.FilesPassed != 1 {
		t.Fatalf("result %+v", res)
	}
	got, err := os.ReadFile(filepath.Join(f.remote, "demo", "up", "a.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("remote file differs from the source (read error %v, %d bytes)", err, len(got))
	}
}

func TestFailedSessionReturnsTransferError(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `{"faults":[{"type":"auth"}]}`)
	f.writeLocal(t, "a.bin", 1000)
	s, err := Start(context.Background(), f.spec(map[string]any{"paths": []map[string]any{{"source": "a.bin"}}}), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	// Events are never read: Wait must not depend on them.
	res, err := s.Wait()
	var te *TransferError
	if !errors.As(err, &te) {
		t.Fatalf("Wait error %v (%T), want *TransferError", err, err)
	}
	if te.Status != "failed" || te.ExitCode != 1 || te.Code != 19 || te.Source != "ascp" || te.Name == "" {
		t.Fatalf("TransferError %+v", te)
	}
	if res == nil || te.Result != res || res.Status != "failed" {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(err.Error(), "19") {
		t.Fatalf("message %q does not name the code", err)
	}
}

func TestPersistentSessionStartFileAndDone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	data := f.writeLocal(t, "a.bin", 20_000)
	s, events := f.startPersistent(t)
	if err := s.StartFile("a.bin", "b.bin"); err != nil {
		t.Fatal(err)
	}
	stop := until(t, events, "STOP")
	if ev := stop[len(stop)-1]; ev.Ascp.Size == nil || *ev.Ascp.Size != int64(len(data)) {
		t.Fatalf("STOP %s", ev.Raw)
	}
	if err := s.Done(false); err != nil {
		t.Fatal(err)
	}
	drain(t, events)
	res, err := s.Wait()
	if err != nil || res.Totals.FilesPassed != 1 {
		t.Fatalf("Wait: %+v, %v", res, err)
	}
	got, err := os.ReadFile(filepath.Join(f.remote, "demo", "up", "b.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("remote b.bin differs from a.bin (read error %v)", err)
	}
	if err := s.StartFile("late", ""); err == nil {
		t.Fatal("a command after the engine exited must fail")
	}
}

func TestSetRateReachesAscp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	s, events := f.startPersistent(t)
	if err := s.SetRate(intp(50000), intp(1000), "fair"); err != nil {
		t.Fatal(err)
	}
	// DONE after the RATE frame: the simulator records frames in arrival order.
	if err := s.Done(true); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseInput(); err != nil {
		t.Fatal(err)
	}
	if err := s.Done(false); !errors.Is(err, ErrInputClosed) {
		t.Fatalf("Done after CloseInput: %v, want ErrInputClosed", err)
	}
	for _, ev := range drain(t, events) {
		if ev.CommandRejected != nil {
			t.Fatalf("command rejected: %s", ev.Raw)
		}
	}
	if _, err := s.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	var rate, done map[string]any
	for _, r := range f.records(t, "frame_received") {
		frame, _ := r["frame"].(map[string]any)
		switch frame["Type"] {
		case "RATE":
			rate = frame
		case "DONE":
			done = frame
		}
	}
	if rate == nil || rate["Rate"] != "50000" || rate["MinRate"] != "1000" || rate["Adaptive"] != "Adaptive" {
		t.Fatalf("RATE frame received by ascp: %v", rate)
	}
	if done == nil || done["Operation"] != "Linger" {
		t.Fatalf("DONE frame received by ascp: %v", done)
	}
}

// runningPersistent starts a persistent session and returns it with ascp's pid once ascp reported SESSION.
func runningPersistent(t *testing.T, ctx context.Context) (*Session, int) {
	t.Helper()
	f := newFixture(t, "")
	f.opts.Grace = 20 * time.Second
	s, err := Start(ctx, f.spec(map[string]any{"keepalive": true}), f.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ascpPid := 0
	for _, ev := range until(t, s.Events(), "SESSION") {
		if ev.Spawn != nil {
			ascpPid = int(ev.Spawn.Pid)
		}
	}
	if ascpPid == 0 || !alive(ascpPid) {
		t.Fatalf("ascp pid %d from SPAWN is not running", ascpPid)
	}
	return s, ascpPid
}

func TestContextCancelStopsAndReapsEngine(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, ascpPid := runningPersistent(t, ctx)
	cancel()
	go func() {
		for range s.Events() {
		}
	}()
	done := make(chan struct{})
	var res *ResultEvent
	var err error
	go func() {
		res, err = s.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Wait did not return within 30 s of the context being cancelled")
	}
	var te *TransferError
	if !errors.As(err, &te) || te.Status != "cancelled" || res.ExitCode != 130 {
		t.Fatalf("Wait: %+v, %v", res, err)
	}
	if alive(s.Pid()) {
		t.Fatalf("engine pid %d still running after Wait", s.Pid())
	}
	if !gone(ascpPid) {
		t.Fatalf("ascp pid %d still running after the engine was cancelled", ascpPid)
	}
}

func TestCancelExits130(t *testing.T) {
	t.Parallel()
	s, ascpPid := runningPersistent(t, context.Background())
	if err := s.Cancel(); err != nil {
		t.Fatal(err)
	}
	events := drain(t, s.Events())
	res, err := s.Wait()
	var te *TransferError
	if !errors.As(err, &te) || te.ExitCode != 130 || te.Status != "cancelled" {
		t.Fatalf("Wait: %v, want a cancelled TransferError with exit status 130", err)
	}
	if s.cmd.ProcessState.ExitCode() != 130 {
		t.Fatalf("engine exit status %d, want 130", s.cmd.ProcessState.ExitCode())
	}
	if last := events[len(events)-1]; last.Result != res || res.Status != "cancelled" {
		t.Fatalf("last event %s", last.Raw)
	}
	if !gone(ascpPid) {
		t.Fatalf("ascp pid %d still running after Cancel", ascpPid)
	}
	if err := s.Cancel(); err != nil {
		t.Fatalf("Cancel after exit: %v", err)
	}
}

func TestEventLineOf5MB(t *testing.T) {
	t.Parallel()
	engine := fakeEngine(t, `
const big = "x".repeat(5 * 1024 * 1024);
process.stdout.write(JSON.stringify({ type: "STATS", tags: big, written: 7 }) + "\n");
process.stdout.write(JSON.stringify({ type: "RESULT", status: "success", exit_code: 0, error: null, sessions: [],
  totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 }, elapsed_ms: 1 }) + "\n");
`)
	s, err := Start(context.Background(), map[string]any{"spec": map[string]any{}}, &Options{Engine: engine})
	if err != nil {
		t.Fatal(err)
	}
	events := drain(t, s.Events())
	if _, err := s.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if len(events) != 2 || events[0].Ascp == nil || events[1].Result == nil {
		t.Fatalf("events %s", types(events))
	}
	st := events[0].Ascp
	if st.Tags == nil || len(*st.Tags) != 5*1024*1024 || *st.Written != 7 {
		t.Fatalf("5 MB line not decoded whole: tags %d bytes", len(*st.Tags))
	}
}

func TestEngineExitWithoutResult(t *testing.T) {
	t.Parallel()
	engine := fakeEngine(t, `
process.stdin.once("data", (d) => {
  process.stderr.write("fake engine: got " + d.toString().trim() + "\nfake engine: giving up\n");
  process.exit(2);
});
`)
	var copied syncBuffer
	s, err := Start(context.Background(), `{"spec":{"direction":"send"}}`, &Options{Engine: engine, Stderr: &copied})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Wait()
	var ee *EngineError
	if res != nil || !errors.As(err, &ee) {
		t.Fatalf("Wait: %+v, %v (%T), want *EngineError", res, err, err)
	}
	if ee.ExitCode != 2 || !strings.Contains(ee.Stderr, "giving up") || !strings.Contains(ee.Stderr, `{"spec":{"direction":"send"}}`) {
		t.Fatalf("EngineError %+v", ee)
	}
	if !strings.Contains(err.Error(), "without a RESULT") || !strings.Contains(err.Error(), "giving up") {
		t.Fatalf("message %q", err)
	}
	if !strings.Contains(copied.String(), "giving up") {
		t.Fatalf("Options.Stderr got %q", copied.String())
	}
	if _, ok := <-s.Events(); ok {
		t.Fatal("Events must be closed")
	}
}

func TestEngineNotFound(t *testing.T) {
	_, err := Start(context.Background(), map[string]any{}, &Options{Engine: filepath.Join(t.TempDir(), "no-such-asession")})
	if !errors.Is(err, ErrEngineNotFound) || !strings.Contains(err.Error(), "Options.Engine") {
		t.Fatalf("explicit path: %v", err)
	}

	t.Setenv("ASESSION_BIN", filepath.Join(t.TempDir(), "missing.js"))
	_, err = Start(context.Background(), map[string]any{}, nil)
	if !errors.Is(err, ErrEngineNotFound) || !strings.Contains(err.Error(), "$ASESSION_BIN") {
		t.Fatalf("ASESSION_BIN: %v", err)
	}

	// The embedded engine is there, but no Node to run it.
	t.Setenv("ASESSION_BIN", "")
	t.Setenv("ASESSION_NODE", "")
	t.Setenv("PATH", t.TempDir())
	_, err = Start(context.Background(), map[string]any{}, nil)
	if !errors.Is(err, ErrEngineNotFound) || !strings.Contains(err.Error(), "node on PATH (not found)") {
		t.Fatalf("PATH: %v", err)
	}
}

func TestStartWithCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, map[string]any{}, &Options{Engine: "/bin/true"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestContextCancelKillsEngineThatIgnoresSIGTERM(t *testing.T) {
	t.Parallel()
	engine := fakeEngine(t, `
process.on("SIGTERM", () => process.stderr.write("fake engine: ignoring SIGTERM\n"));
process.stdout.write(JSON.stringify({ type: "INIT" }) + "\n");
setInterval(() => {}, 1000);
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Start(ctx, map[string]any{}, &Options{Engine: engine, Grace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	until(t, s.Events(), "INIT")
	start := time.Now()
	cancel()
	_, err = s.Wait()
	var ee *EngineError
	if !errors.As(err, &ee) || ee.ExitCode != -1 || !strings.Contains(ee.Stderr, "ignoring SIGTERM") {
		t.Fatalf("Wait: %v, want an EngineError for a killed engine that saw SIGTERM first", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 10*time.Second {
		t.Fatalf("killed after %v, want the 300 ms grace period", d)
	}
	if alive(s.Pid()) {
		t.Fatalf("engine pid %d still running", s.Pid())
	}
}

func TestPipeHeldOpenByEngineChild(t *testing.T) {
	t.Parallel()
	engine := fakeEngine(t, `
const { spawn } = require("node:child_process");
const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: ["ignore", "inherit", "inherit"] });
child.unref();
process.stdout.write(JSON.stringify({ type: "CHILD", pid: String(child.pid) }) + "\n");
process.stdout.write(JSON.stringify({ type: "RESULT", status: "success", exit_code: 0, error: null, sessions: [],
  totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 }, elapsed_ms: 1 }) + "\n",
  () => process.exit(0));
`)
	s, err := Start(context.Background(), map[string]any{}, &Options{Engine: engine})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	events := drain(t, s.Events())
	res, err := s.Wait()
	if len(events) > 0 && events[0].Ascp != nil {
		if pid, perr := strconv.Atoi(events[0].Ascp.Unknown["pid"]); perr == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if err != nil || res == nil || res.Status != "success" {
		t.Fatalf("Wait: %+v, %v", res, err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("Wait took %v: a pipe held open by the engine's child must not block it", d)
	}
}

func TestRelativeEnginePathWithDir(t *testing.T) {
	t.Parallel()
	engine := fakeEngine(t, `
process.stdout.write(JSON.stringify({ type: "RESULT", status: "success", exit_code: 0, error: null, sessions: [],
  totals: { files_passed: 0, files_failed: 0, files_skipped: 0, bytes_transferred: 0, file_bytes: 0 }, elapsed_ms: 1 }) + "\n");
`)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, engine)
	if err != nil {
		t.Fatal(err)
	}
	// The engine runs elsewhere (Dir): a path relative to this process must still find it.
	s, err := Start(context.Background(), map[string]any{}, &Options{Engine: rel, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Wait(); err != nil || res.Status != "success" {
		t.Fatalf("Wait: %+v, %v", res, err)
	}
}

func TestResultAbsence(t *testing.T) {
	t.Parallel()
	silent := fakeEngine(t, `process.stdout.write(JSON.stringify({ type: "INIT" }) + "\n");`)
	for _, c := range []struct {
		name    string
		spec    any
		wantErr bool
	}{
		{"all events", map[string]any{"spec": map[string]any{}}, true},
		{"ascp events only", map[string]any{"spec": map[string]any{}, "events": "ascp"}, false},
		{"ascp events only, raw", `{"events":"ascp","spec":{}}`, false},
	} {
		s, err := Start(context.Background(), c.spec, &Options{Engine: silent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Wait()
		var ee *EngineError
		if res != nil || c.wantErr != errors.As(err, &ee) || (!c.wantErr && err != nil) {
			t.Errorf("%s: engine exited 0 without RESULT: Wait gave %+v, %v", c.name, res, err)
		}
	}
}
