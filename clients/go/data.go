package polyconnect

import (
	"fmt"
	"math/big"
	"time"
)

// SchemaType is a Kafka Connect schema type.
type SchemaType int32

const (
	Int8 SchemaType = iota + 1
	Int16
	Int32
	Int64
	Float32
	Float64
	Boolean
	String
	Bytes
	Array
	Map
	StructType
)

// Schema is a Kafka Connect schema. Build each schema once and reuse the pointer: the SDK
// sends a schema once per stream and refers to it afterwards.
type Schema struct {
	Type     SchemaType
	Optional bool
	// Default value (nil: none).
	Default    any
	Name       string
	Version    *int32
	Doc        string
	Parameters map[string]string
	// ParameterOrder keeps Kafka Connect's parameter order (it shows in JSON output);
	// parameters missing from it follow in sorted order.
	ParameterOrder []string
	// KeySchema of a MAP; ValueSchema of a MAP or the element schema of an ARRAY.
	KeySchema, ValueSchema *Schema
	// Fields of a STRUCT, in order.
	Fields []Field
}

// Field is a STRUCT field.
type Field struct {
	Name   string
	Schema *Schema
}

// The usual schemas.
var (
	Int8Schema            = &Schema{Type: Int8}
	Int16Schema           = &Schema{Type: Int16}
	Int32Schema           = &Schema{Type: Int32}
	Int64Schema           = &Schema{Type: Int64}
	Float32Schema         = &Schema{Type: Float32}
	Float64Schema         = &Schema{Type: Float64}
	BooleanSchema         = &Schema{Type: Boolean}
	StringSchema          = &Schema{Type: String}
	BytesSchema           = &Schema{Type: Bytes}
	OptionalInt32Schema   = &Schema{Type: Int32, Optional: true}
	OptionalInt64Schema   = &Schema{Type: Int64, Optional: true}
	OptionalFloat64Schema = &Schema{Type: Float64, Optional: true}
	OptionalBooleanSchema = &Schema{Type: Boolean, Optional: true}
	OptionalStringSchema  = &Schema{Type: String, Optional: true}
	OptionalBytesSchema   = &Schema{Type: Bytes, Optional: true}
)

// Logical type names.
const (
	DecimalName   = "org.apache.kafka.connect.data.Decimal"
	DateName      = "org.apache.kafka.connect.data.Date"
	TimeName      = "org.apache.kafka.connect.data.Time"
	TimestampName = "org.apache.kafka.connect.data.Timestamp"
)

// Logical schemas; their Go values are time.Time (Date, Time, Timestamp) and Decimal.
var (
	DateSchema      = &Schema{Type: Int32, Name: DateName, Version: ptr(int32(1))}
	TimeSchema      = &Schema{Type: Int32, Name: TimeName, Version: ptr(int32(1))}
	TimestampSchema = &Schema{Type: Int64, Name: TimestampName, Version: ptr(int32(1))}
)

// DecimalSchema is the Decimal logical type with a scale.
func DecimalSchema(scale int32) *Schema {
	return &Schema{Type: Bytes, Name: DecimalName, Version: ptr(int32(1)),
		Parameters: map[string]string{"scale": fmt.Sprint(scale)}, ParameterOrder: []string{"scale"}}
}

// ArrayOf is an ARRAY schema.
func ArrayOf(elem *Schema) *Schema { return &Schema{Type: Array, ValueSchema: elem} }

// MapOf is a MAP schema.
func MapOf(key, value *Schema) *Schema { return &Schema{Type: Map, KeySchema: key, ValueSchema: value} }

// FieldIndex is the index of a STRUCT field, -1 if none.
func (s *Schema) FieldIndex(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func ptr[T any](v T) *T { return &v }

// Struct is a STRUCT value: its schema and one value per field.
type Struct struct {
	Schema *Schema
	Values []any
}

// NewStruct is an empty struct of a STRUCT schema.
func NewStruct(s *Schema) *Struct { return &Struct{Schema: s, Values: make([]any, len(s.Fields))} }

// Put sets a field (panics on an unknown field name, as Kafka Connect throws).
func (s *Struct) Put(name string, v any) *Struct {
	i := s.Schema.FieldIndex(name)
	if i < 0 {
		panic(fmt.Sprintf("struct %q has no field %q", s.Schema.Name, name))
	}
	s.Values[i] = v
	return s
}

// Get is a field's value (nil for an unknown field).
func (s *Struct) Get(name string) any {
	if i := s.Schema.FieldIndex(name); i >= 0 {
		return s.Values[i]
	}
	return nil
}

// Decimal is an exact decimal: Unscaled × 10^-Scale.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

func (d Decimal) String() string {
	r := new(big.Rat).SetFrac(d.Unscaled, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	if d.Scale <= 0 {
		return r.FloatString(0)
	}
	return r.FloatString(int(d.Scale))
}

// MapEntry is one entry of an ordered map value.
type MapEntry struct {
	Key, Value any
}

// RawBytes is a key or value already serialized: written to Kafka unchanged, never passed
// through a converter (the raw-bytes fast path).
type RawBytes []byte

var epoch = time.Unix(0, 0).UTC()
