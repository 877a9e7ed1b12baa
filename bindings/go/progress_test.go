//go:build unix

package asession

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
)

// progressJob is a fake engine: PROGRESS events between raw frames, and each stdin line after the spec answered
// with a PROGRESS that carries that line (elapsed_ms 999), as the engine answers STATUS at once; "END" ends it.
const progressJob = `
const progress = (done, transferred, extra) => Object.assign({ type: "PROGRESS", elapsed_ms: 10 * done,
  files: { total: 2, done, skipped: 0, failed: 0, running: 0 },
  bytes: { total: 2000, transferred, already_present: 0, remaining: 2000 - transferred },
  rate: { current_bps: 8000, target_bps: null }, percent: transferred / 20, eta_sec: null,
  sessions: [{ session_index: 0, state: "transferring", attempt: 1 }] }, extra);
const emit = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const last = progress(2, 2000);
let buf = "", lines = 0;
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (lines++ === 0) { emit({ type: "INIT" }); emit(progress(0, 0)); emit({ type: "STATS" }); emit(progress(1, 1000)); continue; }
    if (line === "END") {
      emit({ type: "STOP" }); emit(last);
      emit({ type: "RESULT", status: "success", exit_code: 0, error: null, sessions: [],
        totals: { files_passed: 2, files_failed: 0, files_skipped: 0, bytes_transferred: 2000, file_bytes: 2000,
          files: last.files, bytes: last.bytes, rate_avg_bps: 16000 }, elapsed_ms: 21 });
      process.exit(0);
    }
    emit(progress(1, 1000, { elapsed_ms: 999, command: JSON.parse(line) }));
  }
});
`

// progressLog collects what OnProgress is given; OnProgress runs on the reader goroutine, hence the lock.
type progressLog struct {
	mu   sync.Mutex
	seen []ProgressEvent
}

func (l *progressLog) add(p ProgressEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, p)
}

func (l *progressLog) all() []ProgressEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]ProgressEvent(nil), l.seen...)
}

// startJob starts progressJob with OnProgress feeding log.
func startJob(t *testing.T, log *progressLog) *Session {
	t.Helper()
	s, err := Start(context.Background(), map[string]any{"spec": map[string]any{}},
		&Options{Engine: fakeEngine(t, progressJob), OnProgress: log.add})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOnProgressSeesEveryProgressAndEventsKeepsThem(t *testing.T) {
	t.Parallel()
	var log progressLog
	s := startJob(t, &log)
	if err := s.Status(); err != nil {
		t.Fatal(err)
	}
	if err := s.SendRaw("END"); err != nil {
		t.Fatal(err)
	}
	events := drain(t, s.Events())
	res, err := s.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if types(events) != "INIT PROGRESS STATS PROGRESS PROGRESS STOP PROGRESS RESULT " {
		t.Fatalf("events %s", types(events))
	}
	var inStream []ProgressEvent
	for _, ev := range events {
		if ev.Progress != nil {
			inStream = append(inStream, *ev.Progress)
		}
	}
	if got := log.all(); !reflect.DeepEqual(got, inStream) {
		t.Fatalf("OnProgress got %+v, the stream had %+v", got, inStream)
	}
	// The PROGRESS that answered STATUS carries the line the fake engine read: exactly {"type":"STATUS"}.
	var answer struct {
		Command json.RawMessage `json:"command"`
	}
	if err := json.Unmarshal(events[4].Raw, &answer); err != nil || string(answer.Command) != `{"type":"STATUS"}` {
		t.Fatalf("Status sent %s (%v)", answer.Command, err)
	}
	last := s.LastProgress()
	if last == nil || !reflect.DeepEqual(*last, inStream[len(inStream)-1]) {
		t.Fatalf("LastProgress %+v", last)
	}
	// The final summary is typed on RESULT and equals the last PROGRESS.
	if res.Totals.Files == nil || res.Totals.Bytes == nil || res.Totals.RateAvgBps == nil ||
		!reflect.DeepEqual(*res.Totals.Files, last.Files) || !reflect.DeepEqual(*res.Totals.Bytes, last.Bytes) ||
		*res.Totals.RateAvgBps != 16000 {
		t.Fatalf("RESULT totals %+v", res.Totals)
	}
}

func TestOnProgressRunsWhenOnlyWaitIsCalled(t *testing.T) {
	t.Parallel()
	var log progressLog
	s := startJob(t, &log)
	if err := s.SendRaw("END"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	var done []int64
	for _, p := range log.all() {
		done = append(done, p.Files.Done)
	}
	if !reflect.DeepEqual(done, []int64{0, 1, 2}) {
		t.Fatalf("OnProgress saw files.done %v", done)
	}
}

// Through the real engine and the simulator: each Status() gets a PROGRESS at once, OnProgress sees every
// PROGRESS, and no STATUS reaches ascp.
func TestStatusGetsProgressFromEngine(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	spec := f.spec(map[string]any{"keepalive": true})
	spec["progress_interval_ms"] = 0
	var log progressLog
	f.opts.OnProgress = log.add
	s, err := Start(context.Background(), spec, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events := s.Events()
	all := until(t, events, "SESSION")
	for i := 0; i < 2; i++ {
		if err := s.Status(); err != nil {
			t.Fatal(err)
		}
	}
	// With the timer off, an idle session's PROGRESS events while it is transferring are the one of its change
	// to transferring and one per STATUS: wait for all three, then check there was no other.
	transferring := func(ev Event) bool {
		return ev.Progress != nil && len(ev.Progress.Sessions) == 1 && ev.Progress.Sessions[0].State == "transferring"
	}
	for seen := 0; seen < 3; {
		ev := until(t, events, "PROGRESS")
		if transferring(ev[len(ev)-1]) {
			seen++
		}
		all = append(all, ev...)
	}
	if err := s.Done(false); err != nil {
		t.Fatal(err)
	}
	all = append(all, drain(t, events)...)
	if _, err := s.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	n, answers := 0, 0
	for _, ev := range all {
		if ev.Progress != nil {
			n++
		}
		if transferring(ev) {
			answers++
		}
		if ev.CommandRejected != nil {
			t.Fatalf("STATUS rejected: %s", ev.Raw)
		}
	}
	if answers != 3 {
		t.Fatalf("%d PROGRESS events while transferring, want 1 + 2 STATUS answers: %s", answers, types(all))
	}
	if calls := len(log.all()); calls != n {
		t.Fatalf("OnProgress called %d times for %d PROGRESS events", calls, n)
	}
	for _, r := range f.records(t, "frame_received") {
		if frame, _ := r["frame"].(map[string]any); frame["Type"] == "STATUS" {
			t.Fatalf("STATUS reached ascp: %v", frame)
		}
	}
}
