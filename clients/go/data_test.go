package polyconnect

import (
	"math/big"
	"reflect"
	"testing"
	"time"
)

func TestDecimalsUseJavasTwosComplement(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want []byte
	}{{0, []byte{0}}, {1, []byte{1}}, {127, []byte{0x7f}}, {128, []byte{0, 0x80}}, {-1, []byte{0xff}}, {-128, []byte{0x80}}, {-129, []byte{0xff, 0x7f}}, {-256, []byte{0xff, 0x00}}} {
		got := twosComplement(big.NewInt(c.n))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%d: got %x, want %x", c.n, got, c.want)
		}
		if back := fromTwosComplement(got); back.Int64() != c.n {
			t.Errorf("%d: decoded as %v", c.n, back)
		}
	}
}

func TestValuesRoundTrip(t *testing.T) {
	inner := &Schema{Type: StructType, Name: "Line", Fields: []Field{{"sku", StringSchema}, {"qty", Int32Schema}}}
	schema := &Schema{Type: StructType, Name: "Order", Fields: []Field{
		{"id", Int64Schema}, {"note", OptionalStringSchema}, {"price", DecimalSchema(2)},
		{"day", DateSchema}, {"at", TimestampSchema}, {"lines", ArrayOf(inner)},
		{"attrs", MapOf(StringSchema, Int16Schema)}, {"blob", BytesSchema},
	}}
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	at := time.Date(2024, 2, 29, 12, 30, 1, 5e6, time.UTC)
	v := NewStruct(schema).Put("id", int64(7)).Put("price", Decimal{big.NewInt(-12345), 2}).Put("day", day).Put("at", at).
		Put("lines", []any{NewStruct(inner).Put("sku", "x").Put("qty", int32(2))}).
		Put("attrs", map[string]any{"b": int16(2), "a": int16(1)}).Put("blob", []byte{1, 2})
	p, err := encodeValue(schema, v)
	if err != nil {
		t.Fatal(err)
	}
	var r schemaReader
	back, err := decodeValue(schema, p)
	if err != nil {
		t.Fatal(err)
	}
	got := back.(*Struct)
	if got.Get("id") != int64(7) || got.Get("note") != nil || got.Get("price").(Decimal).String() != "-123.45" ||
		!got.Get("day").(time.Time).Equal(day) || !got.Get("at").(time.Time).Equal(at) ||
		got.Get("lines").([]any)[0].(*Struct).Get("qty") != int32(2) ||
		!reflect.DeepEqual(got.Get("attrs"), map[string]any{"a": int16(1), "b": int16(2)}) {
		t.Fatalf("round trip: %+v", got.Values)
	}
	s2, err := r.read(schemaProto(schema))
	if err != nil || len(s2.Fields) != 8 || s2.Fields[2].Schema.Parameters["scale"] != "2" {
		t.Fatalf("schema round trip: %+v %v", s2, err)
	}
	if _, err := encodeValue(schema, NewStruct(schema)); err == nil {
		t.Fatal("a missing required field must be an error")
	}
	if _, err := encodeValue(Int8Schema, 300); err == nil {
		t.Fatal("300 does not fit INT8")
	}
}

func TestConfigParsing(t *testing.T) {
	d := NewConfigDef(
		ConfigKey{Name: "n", Type: TypeInt, Default: "3"},
		ConfigKey{Name: "l", Type: TypeList, Default: "a, b"},
		ConfigKey{Name: "p", Type: TypePassword, Required: true, Validator: ValidatorFunc(func(_ string, v any) error { return nil })},
		ConfigKey{Name: "mode", Type: TypeString, Default: "x", Validator: ValidString{Allowed: []string{"x", "y"}}})
	cfg, err := d.Parse(map[string]string{"p": " s ", "extra": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Int("n") != 3 || !reflect.DeepEqual(cfg.List("l"), []string{"a", "b"}) || cfg.String("p") != " s " || cfg.String("extra") != "1" {
		t.Fatalf("parsed: %+v", cfg)
	}
	_, err = d.Parse(map[string]string{"n": "x", "mode": "z"})
	want := `Invalid value x for configuration n: Not a number of type INT; Missing required configuration "p" which has no default value.; Invalid value z for configuration mode: String must be one of: x, y`
	if err == nil || err.Error() != want {
		t.Fatalf("errors: %v", err)
	}
}
