package asession

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// UnmarshalJSON fills the typed fields; a known field whose value is not of its type goes to Unparsed and a
// field the schema does not name goes to Unknown, so nothing ascp sent is lost.
func (e *AscpEvent) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*e = AscpEvent{}
	for key, raw := range m {
		if bytes.Equal(raw, []byte("null")) {
			continue
		}
		if key == "type" {
			if err := json.Unmarshal(raw, &e.Type); err != nil {
				return fmt.Errorf("field type: %w", err)
			}
			continue
		}
		ptr := e.field(key)
		if ptr == nil {
			e.Unknown = setText(e.Unknown, key, raw)
			continue
		}
		var err error
		switch p := ptr.(type) {
		case **int64:
			*p, err = decodeAs[int64](raw)
		case **bool:
			*p, err = decodeAs[bool](raw)
		case **string:
			*p, err = decodeAs[string](raw)
		}
		if err != nil {
			e.Unparsed = setText(e.Unparsed, key, raw)
		}
	}
	return nil
}

// MarshalJSON writes the event back as one flat object, the shape asession prints.
func (e AscpEvent) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 1+len(e.Unparsed)+len(e.Unknown))
	m["type"] = e.Type
	for _, key := range ascpEventFields {
		switch p := e.field(key).(type) {
		case **int64:
			if *p != nil {
				m[key] = **p
			}
		case **bool:
			if *p != nil {
				m[key] = **p
			}
		case **string:
			if *p != nil {
				m[key] = **p
			}
		}
	}
	for key, v := range e.Unknown {
		m[key] = v
	}
	for key, v := range e.Unparsed {
		m[key] = v
	}
	return json.Marshal(m)
}

// decodeAs returns a pointer to raw decoded as T, or an error when raw is JSON of another type.
func decodeAs[T any](raw json.RawMessage) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

// setText stores a JSON string's text, or the JSON itself for any other value, allocating the map on first use.
func setText(m map[string]string, key string, raw json.RawMessage) map[string]string {
	if m == nil {
		m = make(map[string]string)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	m[key] = s
	return m
}
