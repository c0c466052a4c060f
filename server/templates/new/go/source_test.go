package main

import "testing"

func TestOrderIsAStructWithEveryField(t *testing.T) {
	o := Order(7)
	var names []string
	for _, f := range o.Schema.Fields {
		names = append(names, f.Name)
	}
	if got := len(names); got != 4 || names[0] != "seq" || names[3] != "express" {
		t.Fatalf("fields %v", names)
	}
	if o.Get("seq") != int64(7) || o.Get("customer") != "customer-7" || o.Get("amount") != 1.75 || o.Get("express") != false {
		t.Fatalf("values %v", o.Values)
	}
}
