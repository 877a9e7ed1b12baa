// Package asession runs IBM Aspera ascp transfers through the asession engine: it starts the engine, writes the
// session spec, delivers the engine's events, sends commands and reports how the job ended.
package asession

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options say how to start the engine. A nil *Options means all defaults.
type Options struct {
	// Engine is the asession executable, or a .js/.mjs file run with Node. Empty: $ASESSION_BIN, then the engine
	// embedded in this package (written once to the user's cache folder).
	Engine string
	// Node runs an engine file. Empty: $ASESSION_NODE, then node on PATH (>= 20.19 either way).
	Node string
	// Args are extra engine arguments, after the executable.
	Args []string
	// Dir is the engine's working directory; empty means the current one.
	Dir string
	// Env are "NAME=value" entries laid over this process's environment for the engine; an entry "NAME" without
	// "=" removes that variable.
	Env []string
	// ClearEnv starts the engine's environment empty instead of from this process's: only Env is passed.
	ClearEnv bool
	// Stderr receives a copy of the engine's log; Wait's errors carry the last part of it either way.
	Stderr io.Writer
	// Grace is how long the engine may take to cancel cleanly after SIGTERM (context done, Cancel, Close) before
	// it is killed. Zero means the contract's 10 seconds.
	Grace time.Duration
	// OnProgress, when set, is called with each PROGRESS event by the goroutine that reads the engine's stdout,
	// in order, before that event is queued for Events: it sees every PROGRESS whether or not Events is read
	// (Wait alone is enough) and takes nothing from Events. It must return quickly (a slow one holds up the
	// reading; the engine then merges ascp's STATS) and synchronise what it shares with other goroutines.
	OnProgress func(ProgressEvent)
}

// The client contract's values (schema/client-contract.json, generated into contract_gen.go).
const (
	defaultGrace = contractGraceSec
	// pipeGrace is how long a pipe may stay silent after the engine exited before it is given up (a child of the
	// engine may hold it open).
	pipeGrace  = contractPipeDrainSec
	stderrTail = contractStderrTailBytes
)

// ErrInputClosed is returned by Send and friends after CloseInput.
var ErrInputClosed = errors.New("asession: input already closed")

// Session is one running engine process.
type Session struct {
	cmd   *exec.Cmd
	grace time.Duration

	inMu     sync.Mutex
	stdin    io.WriteCloser
	inClosed bool

	queue      eventQueue
	eventsOnce sync.Once
	events     chan Event

	// ascpOnly: the spec says "events": "ascp", so the engine prints no RESULT and the exit status tells.
	ascpOnly bool

	onProgress   func(ProgressEvent)
	lastProgress atomic.Pointer[ProgressEvent]

	stderr   *tailWriter
	stopOnce sync.Once
	stopErr  error
	exited   chan struct{}
	done     chan struct{}
	result   *ResultEvent
	err      error
}

// Start starts the engine and writes the session spec. spec is JSON text ([]byte, json.RawMessage or string) or
// any value encoding/json turns into the session spec object. Cancelling ctx stops the engine (SIGTERM, then
// SIGKILL after Options.Grace) and reaps it. A spec the engine refuses is reported by Wait, like any failure
// after the engine started.
func Start(ctx context.Context, spec any, opts *Options) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &Options{}
	}
	specLine, err := encodeSpec(spec)
	if err != nil {
		return nil, err
	}
	name, args, err := engineCommand(opts.Engine, opts.Node)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(name, append(args, opts.Args...)...)
	cmd.Dir, cmd.Env = opts.Dir, engineEnv(os.Environ(), opts.Env, opts.ClearEnv)
	s := &Session{
		cmd:        cmd,
		grace:      opts.Grace,
		onProgress: opts.OnProgress,
		events:     make(chan Event),
		stderr:     &tailWriter{copyTo: opts.Stderr},
		exited:     make(chan struct{}),
		done:       make(chan struct{}),
	}
	var mode struct {
		Events string `json:"events"`
	}
	s.ascpOnly = json.Unmarshal(specLine, &mode) == nil && mode.Events == "ascp"
	if s.grace <= 0 {
		s.grace = defaultGrace
	}
	s.queue.cond = sync.NewCond(&s.queue.mu)
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	// Own pipes rather than exec's copying goroutines: reading them never depends on Wait, so every line the
	// engine wrote is read even when it exits at once.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("asession: could not start %s: %w", name, err)
	}
	go s.run(ctx, outR, errR)
	// A write error means the engine is already gone; Wait reports why, with its stderr.
	_ = s.write(specLine)
	return s, nil
}

func encodeSpec(spec any) ([]byte, error) {
	var text []byte
	switch v := spec.(type) {
	case []byte:
		text = v
	case json.RawMessage:
		text = v
	case string:
		text = []byte(v)
	default:
		b, err := json.Marshal(spec)
		if err != nil {
			return nil, fmt.Errorf("asession: encoding the session spec: %w", err)
		}
		text = b
	}
	// A copy: appending to the caller's slice could overwrite bytes past the trimmed end.
	return append(append([]byte(nil), bytes.TrimRight(text, " \t\r\n")...), '\n'), nil
}

// run reads the engine's output until it is gone, then records how the job ended.
func (s *Session) run(ctx context.Context, outR, errR *os.File) {
	out := &pipeReader{f: outR}
	errs := &pipeReader{f: errR}
	outDone := make(chan struct{})
	errDone := make(chan struct{})
	var readErr error
	go func() {
		defer close(outDone)
		readErr = s.readEvents(out)
	}()
	go func() {
		defer close(errDone)
		_, _ = io.Copy(s.stderr, errs)
	}()
	var waitErr error
	go func() {
		waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	select {
	case <-ctx.Done():
		s.stop()
	case <-s.exited:
	}
	<-s.exited
	stderrDrained := make(chan struct{})
	go func() {
		errs.drain(errDone)
		close(stderrDrained)
	}()
	out.drain(outDone)
	<-stderrDrained
	outR.Close()
	errR.Close()

	exitCode, signal := s.cmd.ProcessState.ExitCode(), 0
	if ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		signal = int(ws.Signal())
	}
	outcome := outcomeOf(s.result, exitCode, s.ascpOnly)
	if readErr != nil && s.result == nil {
		outcome = "engine_error" // stdout could not be read to its end: nothing says the engine finished
	}
	switch outcome {
	case "result", "none":
	case "engine_error":
		cause := waitErr
		if errors.Is(readErr, os.ErrClosed) {
			readErr = errors.New("stdout stayed open after asession exited (held by a process it started)")
		}
		if readErr != nil {
			cause = errors.Join(waitErr, readErr)
		}
		s.err = &EngineError{ExitCode: exitCode, Signal: signal, Stderr: s.stderr.String(), Err: cause}
	case "transfer_error":
		s.err = newTransferError(s.result)
	}
	close(s.done)
	s.queue.close()
}

// readEvents turns stdout lines into events. bufio.Reader has no line length limit, unlike bufio.Scanner.
func (s *Session) readEvents(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var resultErr error
	for {
		line, err := br.ReadBytes('\n')
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) > 0 {
			ev, derr := DecodeEvent(line)
			switch {
			case ev.Raw == nil:
				// Not an event (contract: non_event_line): skipped, and said where the logs go.
				fmt.Fprintf(s.stderr, "not an event: asession (go binding) skipped a stdout line: %v\n", derr)
			case ev.Type == TypeResult && derr != nil:
				resultErr = derr
				s.queue.push(ev)
			default:
				if ev.Result != nil {
					s.result = ev.Result
				}
				if ev.Progress != nil {
					s.progressed(ev.Progress)
				}
				s.queue.push(ev)
			}
		}
		if err == io.EOF {
			return resultErr
		}
		if err != nil {
			return errors.Join(resultErr, err)
		}
	}
}

// progressed keeps a PROGRESS as the last one and hands it to Options.OnProgress.
func (s *Session) progressed(p *ProgressEvent) {
	s.lastProgress.Store(p)
	if s.onProgress != nil {
		s.onProgress(*p)
	}
}

// LastProgress is the last PROGRESS the engine printed so far (nil before the first); RESULT's Totals.Files,
// Totals.Bytes and Totals.RateAvgBps repeat the final one's figures.
func (s *Session) LastProgress() *ProgressEvent {
	return s.lastProgress.Load()
}

// Events delivers every event in order and is closed after the last one (RESULT, or the engine's exit). Events
// are buffered until read, so a slow reader never stalls the engine; a reader that stops early leaves one
// goroutine blocked until the channel is drained.
func (s *Session) Events() <-chan Event {
	s.eventsOnce.Do(func() {
		go func() {
			defer close(s.events)
			for {
				ev, ok := s.queue.pop()
				if !ok {
					return
				}
				s.events <- ev
			}
		}()
	})
	return s.events
}

// Wait waits for the engine to exit and returns its RESULT. The error is a *TransferError when RESULT says
// failed or cancelled (the result is returned too), and an *EngineError (with the stderr tail) when the engine
// printed no RESULT. A spec with "events": "ascp" makes the engine print
// no RESULT: Wait then returns a nil result, and a nil error when the engine exited with 0. These are the rows of
// the client contract's outcome table (schema/client-contract.json). Wait does not need Events to be read.
func (s *Session) Wait() (*ResultEvent, error) {
	<-s.done
	return s.result, s.err
}

// Pid is the engine's process id.
func (s *Session) Pid() int {
	return s.cmd.Process.Pid
}

// Send writes one command (StartCommand, RateCommand, DoneCommand, CancelCommand or any value encoding/json
// turns into a command object) as one line on the engine's stdin. The engine answers a command it cannot send
// with a COMMAND_REJECTED event.
func (s *Session) Send(cmd any) error {
	b, err := json.Marshal(cmd)
	if err != nil {
		return fmt.Errorf("asession: encoding command: %w", err)
	}
	return s.write(append(b, '\n'))
}

// SendRaw writes one line of JSON text, unchanged, on the engine's stdin.
func (s *Session) SendRaw(line string) error {
	if strings.ContainsRune(line, '\n') {
		return errors.New("asession: a command line cannot contain a newline")
	}
	return s.write([]byte(line + "\n"))
}

// CommandOption adds an optional field to a helper's command: FileBytes, ToSession.
type CommandOption func(*commandFields)

type commandFields struct {
	fileBytes    string
	sessionIndex *int64
}

// FileBytes sends only a byte range of the file ("start:end", either side may be empty); StartFile only.
func FileBytes(r string) CommandOption {
	return func(f *commandFields) { f.fileBytes = r }
}

// ToSession sends the command to one ascp of a multi-session job (0-based) instead of every session.
func ToSession(index int) CommandOption {
	return func(f *commandFields) {
		i := int64(index)
		f.sessionIndex = &i
	}
}

func optionFields(opts []CommandOption) commandFields {
	var f commandFields
	for _, o := range opts {
		o(&f)
	}
	return f
}

// StartFile queues a file in a persistent session; an empty destination is left out.
func (s *Session) StartFile(source, destination string, opts ...CommandOption) error {
	f := optionFields(opts)
	return s.Send(StartCommand{Source: source, Destination: destination, FileBytes: f.fileBytes, SessionIndex: f.sessionIndex})
}

// SetRate changes the target rate, the minimum rate (kbps) or the policy (fair, high, fixed, low) of a running
// session; nil and "" leave that setting alone.
func (s *Session) SetRate(kbps, minKbps *int, policy string, opts ...CommandOption) error {
	c := RateCommand{Policy: policy, SessionIndex: optionFields(opts).sessionIndex}
	if kbps != nil {
		c.Rate = Kbps(*kbps)
	}
	if minKbps != nil {
		c.MinRate = Kbps(*minKbps)
	}
	return s.Send(c)
}

// Done tells a persistent session that no more files come; with linger, ascp finishes queued work first.
func (s *Session) Done(linger bool, opts ...CommandOption) error {
	c := DoneCommand{SessionIndex: optionFields(opts).sessionIndex}
	if linger {
		c.Operation = "Linger"
	}
	return s.Send(c)
}

// Status asks the engine for a PROGRESS of the whole job now ({"type":"STATUS"}); it comes through Events and
// OnProgress like any other, also when the timer is off (progress_interval_ms 0). STATUS is job-wide: it takes
// no session index.
func (s *Session) Status() error {
	return s.Send(StatusCommand{})
}

func (s *Session) write(b []byte) error {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	if s.inClosed {
		return ErrInputClosed
	}
	_, err := s.stdin.Write(b)
	return err
}

// CloseInput closes the engine's stdin: no more commands. A persistent session then finishes; a regular one
// goes on.
func (s *Session) CloseInput() error {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	if s.inClosed {
		return nil
	}
	s.inClosed = true
	err := s.stdin.Close()
	if errors.Is(err, os.ErrClosed) {
		return nil // already closed by exec after the engine exited
	}
	return err
}

// Cancel asks the engine to cancel (SIGTERM): it stops ascp cleanly, prints RESULT and exits with 130. If it
// has not exited after Options.Grace it is killed. Cancel returns at once; Wait gives the outcome.
func (s *Session) Cancel() error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	return s.stop()
}

// Close cancels the engine if it still runs and waits until it is reaped. It is safe to defer.
func (s *Session) Close() error {
	select {
	case <-s.exited:
	default:
		s.stop()
	}
	<-s.done
	return nil
}

// stop sends SIGTERM once and kills the engine if it is still running after the grace period.
func (s *Session) stop() error {
	s.stopOnce.Do(func() {
		err := s.cmd.Process.Signal(syscall.SIGTERM)
		if errors.Is(err, os.ErrProcessDone) {
			return
		}
		if err != nil {
			// No SIGTERM on this platform (Windows): killing is the only way to stop the engine.
			if err = s.cmd.Process.Kill(); !errors.Is(err, os.ErrProcessDone) {
				s.stopErr = err
			}
			return
		}
		go func() {
			t := time.NewTimer(s.grace)
			defer t.Stop()
			select {
			case <-s.exited:
			case <-t.C:
				_ = s.cmd.Process.Kill()
			}
		}()
	})
	return s.stopErr
}

// pipeReader reads one of the engine's output pipes and tracks whether it is blocked waiting for data.
type pipeReader struct {
	f       *os.File
	n       atomic.Int64
	waiting atomic.Bool
}

func (p *pipeReader) Read(b []byte) (int, error) {
	p.waiting.Store(true)
	n, err := p.f.Read(b)
	p.waiting.Store(false)
	p.n.Add(int64(n))
	return n, err
}

// drain waits until the pipe's reader is done. Called after the engine exited: if the reader stays blocked for
// pipeGrace without a byte coming, something the engine started holds the pipe open, and the pipe is closed so
// that the reader ends; a reader that is busy with a long line is never cut off.
func (p *pipeReader) drain(done <-chan struct{}) {
	t := time.NewTicker(pipeGrace)
	defer t.Stop()
	last := p.n.Load()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			n := p.n.Load()
			if n == last && p.waiting.Load() {
				p.f.Close()
				<-done
				return
			}
			last = n
		}
	}
}

// eventQueue is an unbounded FIFO between the stdout reader and the Events channel.
type eventQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []Event
	closed bool
}

func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	q.items = append(q.items, ev)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// pop blocks until an event is queued or the queue is closed and empty.
func (q *eventQueue) pop() (Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return Event{}, false
	}
	ev := q.items[0]
	q.items[0] = Event{}
	q.items = q.items[1:]
	return ev, true
}

// tailWriter keeps the last stderrTail bytes written and copies everything to copyTo.
type tailWriter struct {
	mu     sync.Mutex
	buf    []byte
	copyTo io.Writer
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.copyTo != nil {
		// A failing copy must not stop the draining that keeps the engine from blocking on its stderr.
		_, _ = w.copyTo.Write(p)
	}
	w.buf = append(w.buf, p...)
	if over := len(w.buf) - stderrTail; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(p), nil
}

// String is the kept tail: exactly the last stderrTail bytes (a cut UTF-8 sequence reads as U+FFFD).
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.ToValidUTF8(string(w.buf), "\uFFFD")
}
