// Command asession-conformance drives the engine through the Go binding so the shared conformance suite can
// test the binding: it behaves like the asession CLI on stdin, stdout, signals and exit status.
//
// Usage: asession-conformance [--engine PATH] [engine arguments...]
//
// The engine is --engine, else $ASESSION_BIN, else the embedded engine (a .js/.mjs file runs with node). The first
// stdin line is the session spec; later lines are forwarded unchanged as commands; end of stdin closes the
// engine's input; SIGTERM and SIGINT cancel; every event is printed as the engine printed it; the exit status
// is RESULT's exit_code.
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
	opts := &asession.Options{Stderr: os.Stderr, Args: os.Args[1:]}
	if len(opts.Args) >= 2 && opts.Args[0] == "--engine" {
		opts.Engine, opts.Args = opts.Args[1], opts.Args[2:]
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
		return 3
	}
	go func() {
		for range sigs {
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
	res, err := s.Wait()
	switch {
	case res != nil:
		return int(res.ExitCode)
	case err == nil:
		return 0 // "events": "ascp" asks for no RESULT, and the engine exited with 0
	}
	fmt.Fprintf(os.Stderr, "asession-conformance: %v\n", err)
	var ee *asession.EngineError
	if errors.As(err, &ee) && ee.ExitCode > 0 {
		return ee.ExitCode
	}
	return 1
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
			if s.SendRaw(string(line)) != nil {
				return // the engine is gone; Wait reports why
			}
		}
		if err != nil {
			return
		}
	}
}
