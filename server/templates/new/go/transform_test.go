package main

import (
	"testing"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

func TestRecordsGoToThePrefixedTopicAndTombstonesAreDropped(t *testing.T) {
	tr := Plugin.New().(*{{class}})
	if err := tr.Configure(map[string]string{"topic.prefix": "x-"}); err != nil {
		t.Fatal(err)
	}
	out, err := tr.Apply(&pc.ConnectRecord{Topic: "orders", Value: "v"})
	if err != nil || out == nil || out.Topic != "x-orders" || out.Value != "v" {
		t.Fatalf("got %+v, %v", out, err)
	}
	out, err = tr.Apply(&pc.ConnectRecord{Topic: "orders"})
	if err != nil || out != nil {
		t.Fatalf("a tombstone: got %+v, %v", out, err)
	}
}
