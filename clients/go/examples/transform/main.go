// Your first transform: reverses string values; and a predicate on the record's topic.
package main

import (
	"fmt"
	"strings"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

func reverse(r *pc.ConnectRecord) (*pc.ConnectRecord, error) {
	s, ok := r.Value.(string)
	if !ok {
		return nil, fmt.Errorf("not a string: %v", r.Value) // a record error: errors.tolerance, DLQ
	}
	b := []rune(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	out := *r // a copy; nil would drop the record
	out.Value = string(b)
	return &out, nil
}

func dashed(r *pc.ConnectRecord) (bool, error) { return strings.Contains(r.Topic, "-"), nil }

func main() {
	pc.Serve(&pc.Transform{Class: "Reverse", New: func() pc.Transformation { return pc.TransformFunc(reverse) }},
		&pc.Predicate{Class: "TopicHasDash", New: func() pc.RecordPredicate { return pc.PredicateFunc(dashed) }})
}
