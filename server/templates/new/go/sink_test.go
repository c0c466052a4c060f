package main

import (
	"testing"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

func TestDescribeWritesAStructFieldByField(t *testing.T) {
	schema := &pc.Schema{Type: pc.StructType, Fields: []pc.Field{
		{Name: "seq", Schema: pc.Int64Schema}, {Name: "customer", Schema: pc.StringSchema},
	}}
	r := &pc.SinkRecord{Topic: "orders", KafkaOffset: 42, ValueSchema: schema,
		Value: pc.NewStruct(schema).Put("seq", int64(3)).Put("customer", "customer-3")}
	if got, want := Describe(r), "orders-0@42 seq=3 customer=customer-3"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestDescribeWritesOtherValuesAsTheyAre(t *testing.T) {
	r := &pc.SinkRecord{Topic: "orders", KafkaPartition: 1, KafkaOffset: 5, ValueSchema: pc.StringSchema, Value: "hello"}
	if got, want := Describe(r), "orders-1@5 hello"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
