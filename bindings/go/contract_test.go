package asession

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Every row of the contract's outcome table, through outcomeOf, for each exit status and events mode it covers.
func TestOutcomeTableRows(t *testing.T) {
	for _, r := range outcomeRows {
		var result *ResultEvent
		if r.Result == "present" {
			result = &ResultEvent{Status: r.Status}
		}
		codes := map[string][]int{"any": {0, 1, -1}, "0": {0}, "nonzero": {1, 130, -1}}[r.Exit]
		modes := map[string][]bool{"any": {false, true}, "all": {false}, "ascp": {true}}[r.Events]
		for _, code := range codes {
			for _, ascp := range modes {
				if got := outcomeOf(result, code, ascp); got != r.Outcome {
					t.Errorf("row %s, exit %d, ascp %v: got %s, want %s", r.ID, code, ascp, got, r.Outcome)
				}
			}
		}
	}
}

func TestEngineEnvMergesRemovesAndClears(t *testing.T) {
	base := []string{"KEEP=1", "DROP=2", "OVER=3"}
	got := engineEnv(base, []string{"OVER=4", "DROP", "NEW=5"}, false)
	if want := []string{"KEEP=1", "OVER=4", "NEW=5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("merge: got %v, want %v", got, want)
	}
	if got := engineEnv(base, []string{"NEW=5"}, true); !reflect.DeepEqual(got, []string{"NEW=5"}) {
		t.Errorf("clear: got %v", got)
	}
	// An empty, non-nil slice: exec passes no variable at all (nil would mean inherit).
	if got := engineEnv(base, nil, true); got == nil || len(got) != 0 {
		t.Errorf("clear without variables: got %#v", got)
	}
}

func TestHelperOptions(t *testing.T) {
	f := optionFields([]CommandOption{FileBytes("0:1000"), ToSession(1)})
	b, _ := json.Marshal(StartCommand{Source: "a", Destination: "b", FileBytes: f.fileBytes, SessionIndex: f.sessionIndex})
	if string(b) != `{"type":"START","source":"a","destination":"b","file_bytes":"0:1000","session_index":1}` {
		t.Errorf("got %s", b)
	}
}

func TestTailIsExactlyTheContractSize(t *testing.T) {
	w := &tailWriter{}
	for i := 0; i < 10; i++ {
		w.Write(make([]byte, 10000))
	}
	w.Write([]byte("end"))
	if s := w.String(); len(s) != contractStderrTailBytes || s[len(s)-3:] != "end" {
		t.Errorf("tail of %d bytes", len(s))
	}
}
