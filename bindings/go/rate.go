package asession

import (
	"encoding/json"
	"fmt"
)

// RateValue is a rate in a RATE command: kbps, or a percentage of the link. Make one with Kbps or Percent.
type RateValue struct {
	json []byte
}

// Kbps is a rate in kilobits per second.
func Kbps(n int) *RateValue {
	return &RateValue{json: []byte(fmt.Sprint(n))}
}

// Percent is a rate as a percentage of the link, sent as "50%".
func Percent(p int) *RateValue {
	b, _ := json.Marshal(fmt.Sprintf("%d%%", p)) // marshalling a string cannot fail
	return &RateValue{json: b}
}

// MarshalJSON writes the number or the percentage string.
func (r RateValue) MarshalJSON() ([]byte, error) {
	if r.json == nil {
		return nil, fmt.Errorf("asession: empty RateValue (use Kbps or Percent)")
	}
	return r.json, nil
}

// String is the value as it goes on the wire.
func (r RateValue) String() string {
	return string(r.json)
}
