// {{class}}: a transform that sends each record to `topic.prefix` + its topic and drops
// records without a value (tombstones).
package main

import pc "github.com/polyconnect/polyconnect/clients/go"

const defaultPrefix = "transformed-"

// {{class}} is one instance of the transform: one per task's chain stage.
type {{class}} struct{ prefix string }

// Configure takes the transforms.<alias>.* settings without the prefix.
func (t *{{class}}) Configure(config map[string]string) error {
	t.prefix = defaultPrefix
	if p, ok := config["topic.prefix"]; ok {
		t.prefix = p
	}
	return nil
}

// Apply returns the record for its new topic, or nil to drop it; an error would fail the
// record (errors.tolerance, the dead letter queue).
func (t *{{class}}) Apply(r *pc.ConnectRecord) (*pc.ConnectRecord, error) {
	if r.Value == nil {
		return nil, nil
	}
	out := *r
	out.Topic = t.prefix + r.Topic
	return &out, nil
}

// Plugin is what main serves.
var Plugin = &pc.Transform{
	Class: "{{class}}", Version: "0.1.0",
	Config: pc.NewConfigDef(
		pc.ConfigKey{Name: "topic.prefix", Type: pc.TypeString, Default: defaultPrefix, Importance: pc.High, Doc: "Put before each record's topic"}),
	New: func() pc.Transformation { return &{{class}}{prefix: defaultPrefix} },
}
