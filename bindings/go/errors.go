package asession

import (
	"fmt"
	"strings"
)

// TransferError is Wait's error when the RESULT line says the job failed or was cancelled.
type TransferError struct {
	// Status is RESULT's status: failed or cancelled.
	Status string
	// ExitCode is asession's exit status as RESULT gives it (1, 2, 3 or 130).
	ExitCode int
	// Source, Code, Name, Message and Retryable come from RESULT's error; Code is 0 and the rest empty when it has none.
	Source    string
	Code      int64
	Name      string
	Message   string
	Retryable bool
	// Result is the whole RESULT event.
	Result *ResultEvent
}

func newTransferError(r *ResultEvent) *TransferError {
	e := &TransferError{Status: r.Status, ExitCode: int(r.ExitCode), Result: r}
	if r.Error != nil {
		e.Source, e.Message, e.Retryable = r.Error.Source, r.Error.Message, r.Error.Retryable
		if r.Error.Code != nil {
			e.Code = *r.Error.Code
		}
		if r.Error.Name != nil {
			e.Name = *r.Error.Name
		}
	}
	return e
}

func (e *TransferError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "asession: transfer %s (exit status %d)", e.Status, e.ExitCode)
	if e.Code != 0 || e.Name != "" {
		fmt.Fprintf(&b, ": %s error %d %s", e.Source, e.Code, e.Name)
	} else if e.Source != "" {
		fmt.Fprintf(&b, ": %s error", e.Source)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// EngineError is Wait's error when asession ended without printing a RESULT line.
type EngineError struct {
	// ExitCode is asession's exit status, -1 when a signal ended it.
	ExitCode int
	// Signal is the number of the signal that ended asession, 0 when it exited.
	Signal int
	// Stderr is the last part of what asession wrote to stderr.
	Stderr string
	// Err is how the process ended or what could not be read.
	Err error
}

func (e *EngineError) Error() string {
	msg := fmt.Sprintf("asession ended without a RESULT line (exit status %d)", e.ExitCode)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += "; stderr:\n" + s
	} else {
		msg += "; stderr was empty"
	}
	return msg
}

func (e *EngineError) Unwrap() error { return e.Err }
