package asession

import (
	"encoding/json"
	"errors"
	"go/format"
	"os"
	"reflect"
	"testing"
)

func TestGeneratedFileIsGofmtClean(t *testing.T) {
	src, err := os.ReadFile("events_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	formatted, err := format.Source(src)
	if err != nil {
		t.Fatal(err)
	}
	if string(formatted) != string(src) {
		t.Fatal("events_gen.go differs from gofmt's output: fix the layout in schema/codegen/gen-go.mjs")
	}
}

func TestDecodeAscpEventTypesAndFallbacks(t *testing.T) {
	line := `{"type":"STATS","session_index":0,"size":"12x","written":4096,"rate":"50%","min_rate":100,` +
		`"keepalive":true,"encryption":"maybe","file":"a\nb","new_field":"v","odd":7}`
	ev, err := DecodeEvent([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "STATS" || string(ev.Raw) != line {
		t.Fatalf("Type %q Raw %s", ev.Type, ev.Raw)
	}
	a := ev.Ascp
	if a == nil || ev.Result != nil || ev.Spawn != nil {
		t.Fatalf("wrong payload: %+v", ev)
	}
	if a.Written == nil || *a.Written != 4096 || a.MinRate == nil || *a.MinRate != 100 {
		t.Fatalf("integers: written %v min_rate %v", a.Written, a.MinRate)
	}
	if a.SessionIndex == nil || *a.SessionIndex != 0 {
		t.Fatalf("session_index %v", a.SessionIndex)
	}
	if a.Keepalive == nil || !*a.Keepalive {
		t.Fatalf("keepalive %v", a.Keepalive)
	}
	if a.File == nil || *a.File != "a\nb" {
		t.Fatalf("file %v", a.File)
	}
	if a.Size != nil || a.Rate != nil || a.Encryption != nil {
		t.Fatalf("fields that fell back to text must stay nil: size %v rate %v encryption %v", a.Size, a.Rate, a.Encryption)
	}
	wantUnparsed := map[string]string{"size": "12x", "rate": "50%", "encryption": "maybe"}
	if !reflect.DeepEqual(a.Unparsed, wantUnparsed) {
		t.Fatalf("Unparsed %v, want %v", a.Unparsed, wantUnparsed)
	}
	wantUnknown := map[string]string{"new_field": "v", "odd": "7"}
	if !reflect.DeepEqual(a.Unknown, wantUnknown) {
		t.Fatalf("Unknown %v, want %v", a.Unknown, wantUnknown)
	}

	// Marshalling gives back the same object (key order aside).
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal([]byte(line), &want)
	want["odd"] = "7" // unknown fields are strings by contract
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %v\nwant %v", got, want)
	}
}

func TestDecodeEngineEvents(t *testing.T) {
	ev, err := DecodeEvent([]byte(`{"type":"RESULT","status":"failed","exit_code":1,` +
		`"error":{"source":"ascp","code":16,"name":"CONNECTION_LOST","message":"lost","retryable":true},` +
		`"sessions":[{"session_index":0,"status":"failed","attempts":3,"error":null,"exit_code":null}],` +
		`"totals":{"files_passed":0,"files_failed":1,"files_skipped":0,"bytes_transferred":10,"file_bytes":10},"elapsed_ms":5}`))
	if err != nil {
		t.Fatal(err)
	}
	r := ev.Result
	if r == nil || ev.Ascp != nil {
		t.Fatalf("RESULT not decoded as ResultEvent: %+v", ev)
	}
	if r.ExitCode != 1 || r.Error == nil || *r.Error.Code != 16 || *r.Error.Name != "CONNECTION_LOST" || !r.Error.Retryable {
		t.Fatalf("result %+v error %+v", r, r.Error)
	}
	if len(r.Sessions) != 1 || r.Sessions[0].Attempts != 3 || r.Sessions[0].ExitCode != nil || r.Totals.BytesTransferred != 10 {
		t.Fatalf("sessions %+v totals %+v", r.Sessions, r.Totals)
	}
	te := newTransferError(r)
	if te.Code != 16 || te.Name != "CONNECTION_LOST" || te.ExitCode != 1 || !te.Retryable {
		t.Fatalf("TransferError %+v", te)
	}
	if got := te.Error(); got != "asession: transfer failed (exit status 1): ascp error 16 CONNECTION_LOST: lost" {
		t.Fatalf("message %q", got)
	}

	ev, err = DecodeEvent([]byte(`{"type":"SPAWN","session_index":0,"attempt":1,"pid":42,"ascp_path":"/x/ascp","argv":["-M","1"]}`))
	if err != nil || ev.Spawn == nil || ev.Spawn.Pid != 42 || !reflect.DeepEqual(ev.Spawn.Argv, []string{"-M", "1"}) {
		t.Fatalf("SPAWN: %+v %v", ev.Spawn, err)
	}
	ev, err = DecodeEvent([]byte(`{"type":"COMMAND_REJECTED","line":3,"reason":"bad"}`))
	if err != nil || ev.CommandRejected == nil || ev.CommandRejected.Line != 3 || ev.CommandRejected.SessionIndex != nil {
		t.Fatalf("COMMAND_REJECTED: %+v %v", ev.CommandRejected, err)
	}
}

func TestDecodeEventErrors(t *testing.T) {
	for _, line := range []string{`not json`, `[1]`, `{"size":1}`} {
		if ev, err := DecodeEvent([]byte(line)); err == nil || ev.Raw != nil {
			t.Errorf("%s: want an error and no event, got %+v, %v", line, ev, err)
		}
	}
	// A known engine event with a field of the wrong type keeps Type and Raw.
	ev, err := DecodeEvent([]byte(`{"type":"SPAWN","pid":"x"}`))
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || ev.Type != TypeSpawn || ev.Raw == nil {
		t.Fatalf("got %+v, %v", ev, err)
	}
}

func TestCommandsMarshal(t *testing.T) {
	idx := int64(1)
	cases := []struct {
		cmd  any
		want string
	}{
		{StartCommand{Source: "/a b", Destination: "c"}, `{"type":"START","source":"/a b","destination":"c"}`},
		{StartCommand{Source: "x", SessionIndex: &idx}, `{"type":"START","source":"x","session_index":1}`},
		{RateCommand{Rate: Kbps(50000), MinRate: Percent(10), Policy: "fair"}, `{"type":"RATE","rate":50000,"min_rate":"10%","policy":"fair"}`},
		{DoneCommand{Operation: "Linger"}, `{"type":"DONE","operation":"Linger"}`},
		{DoneCommand{}, `{"type":"DONE"}`},
		{CancelCommand{}, `{"type":"CANCEL"}`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.cmd)
		if err != nil || string(b) != c.want {
			t.Errorf("%T: got %s, %v; want %s", c.cmd, b, err, c.want)
		}
	}
	if _, err := json.Marshal(RateCommand{Rate: &RateValue{}}); err == nil {
		t.Error("an empty RateValue must not marshal")
	}
}

func TestEncodeSpec(t *testing.T) {
	for _, c := range []struct {
		spec any
		want string
	}{
		{map[string]any{"spec": map[string]any{"direction": "send"}}, "{\"spec\":{\"direction\":\"send\"}}\n"},
		{json.RawMessage(`{"spec":{}}` + "\n\n"), "{\"spec\":{}}\n"},
		{`{"spec":{}}`, "{\"spec\":{}}\n"},
		{[]byte("{\n \"spec\": {}\n}"), "{\n \"spec\": {}\n}\n"},
	} {
		got, err := encodeSpec(c.spec)
		if err != nil || string(got) != c.want {
			t.Errorf("%T: got %q, %v; want %q", c.spec, got, err, c.want)
		}
	}
	if _, err := encodeSpec(func() {}); err == nil {
		t.Error("an unencodable spec must fail")
	}
}

func TestTailWriterKeepsTheEnd(t *testing.T) {
	w := &tailWriter{}
	for i := 0; i < 2000; i++ {
		w.Write([]byte("line of log text\n"))
	}
	w.Write([]byte("the last line\n"))
	s := w.String()
	if len(s) > stderrTail || s[:5] != "line " || s[len(s)-14:] != "the last line\n" {
		t.Fatalf("tail of %d bytes: %q...%q", len(s), s[:20], s[len(s)-20:])
	}
}

func TestEncodeSpecLeavesCallerBytesAlone(t *testing.T) {
	buf := []byte(`{"spec":{}}  `)
	if _, err := encodeSpec(buf); err != nil {
		t.Fatal(err)
	}
	if string(buf) != `{"spec":{}}  ` {
		t.Fatalf("caller's spec changed to %q", buf)
	}
}
