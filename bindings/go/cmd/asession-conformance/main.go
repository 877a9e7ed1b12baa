// Command asession-conformance drives the engine through the Go binding so the shared conformance suite can
// test the binding: it behaves like the asession CLI on stdin, stdout, signals and exit status.
//
// Usage: asession-conformance [--engine PATH] [engine arguments...]
//
// It follows the adapter contract of conformance/README.md. The engine is --engine, else $ASESSION_BIN, else
// the embedded engine (a .js/.mjs file runs with node). The first stdin line is the session spec; later lines are
// forwarded unchanged as commands (a line with "adapter_call" calls that helper instead); end of stdin closes the
// engine's input; SIGTERM and SIGINT call Cancel twice (the binding must signal once); every event is printed as
// the engine printed it; one "adapter outcome:" line goes to stderr; the exit status is RESULT's exit_code, else
// the engine's. $ASESSION_ADAPTER_ENV (a JSON object, null removes) and $ASESSION_ADAPTER_CLEAR_ENV=1 set
// Options.Env and Options.ClearEnv.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	asession "github.com/asession/asession/bindings/go"
)

func main() {
	os.Exit(run())
}

func run() int {
	opts := &asession.Options{Stderr: os.Stderr, Args: os.Args[1:], ClearEnv: os.Getenv("ASESSION_ADAPTER_CLEAR_ENV") == "1"}
	if len(opts.Args) >= 2 && opts.Args[0] == "--engine" {
		opts.Engine, opts.Args = opts.Args[1], opts.Args[2:]
	}
	var err error
	if opts.Env, err = adapterEnv(os.Getenv("ASESSION_ADAPTER_ENV")); err != nil {
		fmt.Fprintf(os.Stderr, "asession-conformance: ASESSION_ADAPTER_ENV: %v\n", err)
		return asession.ExitInvalidInput
	}

	// Signals are caught before the engine starts so none is lost; SIGPIPE is caught so that a closed stdout
	// becomes a write error (and a cancel) instead of killing this process and orphaning the engine.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)

	in := bufio.NewReaderSize(os.Stdin, 64<<10)
	spec, err := in.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(os.Stderr, "asession-conformance: reading stdin: %v\n", err)
		return 2
	}
	atEOF := err != nil

	s, err := asession.Start(context.Background(), spec, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "asession-conformance: %v\n", err)
		return asession.ExitNoAscp
	}
	go func() {
		for range sigs {
			_ = s.Cancel()
			_ = s.Cancel()
		}
	}()
	go forwardCommands(s, in, atEOF)

	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	writing := true
	for ev := range s.Events() {
		if !writing {
			continue
		}
		out.Write(ev.Raw)
		out.WriteByte('\n')
		// Flushed per event: the suite sends commands when it sees an event.
		if err := out.Flush(); err != nil {
			// Like the engine: a reader that went away cancels the job.
			writing = false
			_ = s.Cancel()
		}
	}
	return finish(s)
}

// finish classifies the end through the public API, says it on stderr, and gives the exit status.
func finish(s *asession.Session) int {
	res, err := s.Wait()
	var te *asession.TransferError
	var ee *asession.EngineError
	switch {
	case errors.As(err, &te):
		fmt.Fprintln(os.Stderr, "adapter outcome: transfer_error")
		return te.ExitCode
	case errors.As(err, &ee):
		status := ee.ExitCode
		if ee.Signal > 0 {
			status = 128 + ee.Signal
		}
		fmt.Fprintf(os.Stderr, "adapter outcome: engine_error exit=%d stderr_tail_bytes=%d\n", status, len(ee.Stderr))
		return status
	case err != nil:
		fmt.Fprintf(os.Stderr, "asession-conformance: %v\n", err)
		return 1
	case res == nil:
		fmt.Fprintln(os.Stderr, "adapter outcome: none")
		return 0
	}
	fmt.Fprintln(os.Stderr, "adapter outcome: result")
	return int(res.ExitCode)
}

// forwardCommands sends every later stdin line, unchanged, then closes the engine's input at end of stdin.
func forwardCommands(s *asession.Session, in *bufio.Reader, atEOF bool) {
	defer s.CloseInput()
	if atEOF {
		return
	}
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			called, err := helperCall(s, line)
			if !called {
				err = s.SendRaw(string(line))
			}
			if err != nil {
				return // the engine is gone; Wait reports why
			}
		}
		if err != nil {
			return
		}
	}
}
