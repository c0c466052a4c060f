package polyconnect

// Conversion between the SDK's types and the protocol messages. The only code besides the
// streams that knows the generated types.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

var nullValue = &pb.Value{Kind: &pb.Value_Null{}}

// ---------------------------------------------------------------------------- schemas

func schemaProto(s *Schema) *pb.Schema {
	p := &pb.Schema{
		Type:     pb.SchemaType(s.Type),
		Optional: s.Optional,
		Name:     s.Name,
		Version:  s.Version,
		Doc:      s.Doc,
	}
	if len(s.Parameters) > 0 {
		p.Parameters = s.Parameters
		seen := map[string]bool{}
		for _, k := range s.ParameterOrder {
			if _, ok := s.Parameters[k]; ok && !seen[k] {
				p.ParameterOrder = append(p.ParameterOrder, k)
				seen[k] = true
			}
		}
		for _, k := range sortedKeys(s.Parameters) {
			if !seen[k] {
				p.ParameterOrder = append(p.ParameterOrder, k)
			}
		}
	}
	if s.Default != nil {
		if v, err := encodeValue(s, s.Default); err == nil {
			p.DefaultValue = v
		}
	}
	if s.KeySchema != nil {
		p.KeySchema = schemaProto(s.KeySchema)
	}
	if s.ValueSchema != nil {
		p.ValueSchema = schemaProto(s.ValueSchema)
	}
	for _, f := range s.Fields {
		p.Fields = append(p.Fields, &pb.Field{Name: f.Name, Schema: schemaProto(f.Schema)})
	}
	return p
}

// schemaWriter sends each schema once per stream and refers to it afterwards (when the
// schema_references capability was negotiated).
type schemaWriter struct {
	refs bool
	ids  map[*Schema]uint32
}

func (w *schemaWriter) write(s *Schema) *pb.Schema {
	if !w.refs {
		return schemaProto(s)
	}
	if id, ok := w.ids[s]; ok {
		return &pb.Schema{Ref: id}
	}
	if w.ids == nil {
		w.ids = map[*Schema]uint32{}
	}
	id := uint32(len(w.ids) + 1)
	w.ids[s] = id
	p := schemaProto(s)
	p.Id = id
	return p
}

// schemaReader keeps the schemas the core defined on this stream.
type schemaReader struct {
	defs map[uint32]*Schema
}

func (r *schemaReader) read(p *pb.Schema) (*Schema, error) {
	if p == nil {
		return nil, nil
	}
	if p.Ref != 0 {
		s, ok := r.defs[p.Ref]
		if !ok {
			return nil, fmt.Errorf("schema reference %d was never defined on this stream", p.Ref)
		}
		return s, nil
	}
	s := &Schema{Type: SchemaType(p.Type), Optional: p.Optional, Name: p.Name, Version: p.Version, Doc: p.Doc}
	if len(p.Parameters) > 0 {
		s.Parameters = p.Parameters
		s.ParameterOrder = p.ParameterOrder
	}
	var err error
	if s.KeySchema, err = r.read(p.KeySchema); err != nil {
		return nil, err
	}
	if s.ValueSchema, err = r.read(p.ValueSchema); err != nil {
		return nil, err
	}
	for _, f := range p.Fields {
		fs, err := r.read(f.Schema)
		if err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, Field{Name: f.Name, Schema: fs})
	}
	if p.DefaultValue != nil {
		if s.Default, err = decodeValue(s, p.DefaultValue); err != nil {
			return nil, err
		}
	}
	if p.Id != 0 {
		if r.defs == nil {
			r.defs = map[uint32]*Schema{}
		}
		r.defs[p.Id] = s
	}
	return s, nil
}

// ---------------------------------------------------------------------------- values

// encodeValue encodes v under schema s (nil: schemaless, the Go type decides).
func encodeValue(s *Schema, v any) (*pb.Value, error) {
	if s == nil {
		return encodeAny(v)
	}
	if v == nil {
		if s.Default != nil {
			return encodeValue(s, s.Default)
		}
		if !s.Optional {
			return nil, fmt.Errorf("null value for a required %s schema", typeName(s))
		}
		return nullValue, nil
	}
	switch s.Name {
	case DecimalName:
		d, ok := v.(Decimal)
		if !ok {
			return nil, mismatch(s, v)
		}
		scale, _ := strconv.Atoi(s.Parameters["scale"])
		if int(d.Scale) != scale {
			return nil, fmt.Errorf("decimal of scale %d for a Decimal schema of scale %d", d.Scale, scale)
		}
		return &pb.Value{Kind: &pb.Value_Bytes{Bytes: twosComplement(d.Unscaled)}}, nil
	case DateName, TimeName, TimestampName:
		if t, ok := v.(time.Time); ok {
			ms := t.UnixMilli()
			switch s.Name {
			case DateName:
				return &pb.Value{Kind: &pb.Value_Int32{Int32: int32(math.Floor(float64(ms) / 86400000))}}, nil
			case TimeName:
				u := t.UTC()
				midnight := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
				return &pb.Value{Kind: &pb.Value_Int32{Int32: int32(u.Sub(midnight).Milliseconds())}}, nil
			default:
				return &pb.Value{Kind: &pb.Value_Int64{Int64: ms}}, nil
			}
		}
	}
	rv := reflect.ValueOf(v)
	switch s.Type {
	case Int8, Int16, Int32, Int64:
		var n int64
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = rv.Int()
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			n = int64(rv.Uint())
		default:
			return nil, mismatch(s, v)
		}
		bits := map[SchemaType]uint{Int8: 8, Int16: 16, Int32: 32, Int64: 64}[s.Type]
		if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
			return nil, fmt.Errorf("%d is out of range for %s", n, typeName(s))
		}
		switch s.Type {
		case Int8:
			return &pb.Value{Kind: &pb.Value_Int8{Int8: int32(n)}}, nil
		case Int16:
			return &pb.Value{Kind: &pb.Value_Int16{Int16: int32(n)}}, nil
		case Int32:
			return &pb.Value{Kind: &pb.Value_Int32{Int32: int32(n)}}, nil
		}
		return &pb.Value{Kind: &pb.Value_Int64{Int64: n}}, nil
	case Float32, Float64:
		var f float64
		switch rv.Kind() {
		case reflect.Float32, reflect.Float64:
			f = rv.Float()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f = float64(rv.Int())
		default:
			return nil, mismatch(s, v)
		}
		if s.Type == Float32 {
			return &pb.Value{Kind: &pb.Value_Float32{Float32: float32(f)}}, nil
		}
		return &pb.Value{Kind: &pb.Value_Float64{Float64: f}}, nil
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, mismatch(s, v)
		}
		return &pb.Value{Kind: &pb.Value_Boolean{Boolean: b}}, nil
	case String:
		if rv.Kind() != reflect.String {
			return nil, mismatch(s, v)
		}
		return &pb.Value{Kind: &pb.Value_String_{String_: rv.String()}}, nil
	case Bytes:
		switch b := v.(type) {
		case []byte:
			return &pb.Value{Kind: &pb.Value_Bytes{Bytes: b}}, nil
		case RawBytes:
			return &pb.Value{Kind: &pb.Value_Bytes{Bytes: b}}, nil
		}
		return nil, mismatch(s, v)
	case Array:
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return nil, mismatch(s, v)
		}
		arr := &pb.Array{}
		for i := 0; i < rv.Len(); i++ {
			item, err := encodeValue(s.ValueSchema, rv.Index(i).Interface())
			if err != nil {
				return nil, fmt.Errorf("array item %d: %w", i, err)
			}
			arr.Items = append(arr.Items, item)
		}
		return &pb.Value{Kind: &pb.Value_Array{Array: arr}}, nil
	case Map:
		entries, ok := mapEntries(v)
		if !ok {
			return nil, mismatch(s, v)
		}
		m := &pb.Map{}
		for _, e := range entries {
			k, err := encodeValue(s.KeySchema, e.Key)
			if err != nil {
				return nil, fmt.Errorf("map key: %w", err)
			}
			val, err := encodeValue(s.ValueSchema, e.Value)
			if err != nil {
				return nil, fmt.Errorf("map value for %v: %w", e.Key, err)
			}
			m.Entries = append(m.Entries, &pb.MapEntry{Key: k, Value: val})
		}
		return &pb.Value{Kind: &pb.Value_Map{Map: m}}, nil
	case StructType:
		st, ok := v.(*Struct)
		if !ok {
			return nil, mismatch(s, v)
		}
		out := &pb.Struct{}
		for i, f := range s.Fields {
			var fv any
			if i < len(st.Values) {
				fv = st.Values[i]
			}
			ev, err := encodeValue(f.Schema, fv)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
			out.Fields = append(out.Fields, ev)
		}
		return &pb.Value{Kind: &pb.Value_Struct{Struct: out}}, nil
	}
	return nil, fmt.Errorf("unknown schema type %d", s.Type)
}

// encodeAny encodes schemaless data: the Go type decides the variant.
func encodeAny(v any) (*pb.Value, error) {
	switch x := v.(type) {
	case nil:
		return nullValue, nil
	case bool:
		return &pb.Value{Kind: &pb.Value_Boolean{Boolean: x}}, nil
	case int8:
		return &pb.Value{Kind: &pb.Value_Int8{Int8: int32(x)}}, nil
	case int16:
		return &pb.Value{Kind: &pb.Value_Int16{Int16: int32(x)}}, nil
	case int32:
		return &pb.Value{Kind: &pb.Value_Int32{Int32: x}}, nil
	case int:
		return &pb.Value{Kind: &pb.Value_Int64{Int64: int64(x)}}, nil
	case int64:
		return &pb.Value{Kind: &pb.Value_Int64{Int64: x}}, nil
	case uint32:
		return &pb.Value{Kind: &pb.Value_Int64{Int64: int64(x)}}, nil
	case float32:
		return &pb.Value{Kind: &pb.Value_Float32{Float32: x}}, nil
	case float64:
		return &pb.Value{Kind: &pb.Value_Float64{Float64: x}}, nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return &pb.Value{Kind: &pb.Value_Int64{Int64: n}}, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("bad number %q", x)
		}
		return &pb.Value{Kind: &pb.Value_Float64{Float64: f}}, nil
	case string:
		return &pb.Value{Kind: &pb.Value_String_{String_: x}}, nil
	case []byte:
		return &pb.Value{Kind: &pb.Value_Bytes{Bytes: x}}, nil
	case Decimal:
		return &pb.Value{Kind: &pb.Value_Decimal{Decimal: &pb.Decimal{Unscaled: twosComplement(x.Unscaled), Scale: x.Scale}}}, nil
	case *Struct:
		return nil, fmt.Errorf("a Struct needs a schema: schemaless data cannot hold a Struct")
	}
	if entries, ok := mapEntries(v); ok {
		m := &pb.Map{}
		for _, e := range entries {
			k, err := encodeAny(e.Key)
			if err != nil {
				return nil, err
			}
			val, err := encodeAny(e.Value)
			if err != nil {
				return nil, fmt.Errorf("map value for %v: %w", e.Key, err)
			}
			m.Entries = append(m.Entries, &pb.MapEntry{Key: k, Value: val})
		}
		return &pb.Value{Kind: &pb.Value_Map{Map: m}}, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		arr := &pb.Array{}
		for i := 0; i < rv.Len(); i++ {
			item, err := encodeAny(rv.Index(i).Interface())
			if err != nil {
				return nil, fmt.Errorf("array item %d: %w", i, err)
			}
			arr.Items = append(arr.Items, item)
		}
		return &pb.Value{Kind: &pb.Value_Array{Array: arr}}, nil
	}
	return nil, fmt.Errorf("cannot send a %T without a schema", v)
}

// mapEntries lists a map value's entries: []MapEntry in its order, a Go map sorted by key
// (so output is deterministic).
func mapEntries(v any) ([]MapEntry, bool) {
	if e, ok := v.([]MapEntry); ok {
		return e, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, false
	}
	keys := rv.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i].Interface()) < fmt.Sprint(keys[j].Interface()) })
	out := make([]MapEntry, 0, len(keys))
	for _, k := range keys {
		out = append(out, MapEntry{Key: k.Interface(), Value: rv.MapIndex(k).Interface()})
	}
	return out, true
}

func mismatch(s *Schema, v any) error {
	return fmt.Errorf("a %T value does not fit a %s schema", v, typeName(s))
}

func typeName(s *Schema) string {
	name := pb.SchemaType(s.Type).String()
	if s.Name != "" {
		name += " (" + s.Name + ")"
	}
	return name
}

// twosComplement is the minimal big-endian two's-complement form of n (Java's
// BigInteger.toByteArray).
func twosComplement(n *big.Int) []byte {
	if n == nil || n.Sign() == 0 {
		return []byte{0}
	}
	if n.Sign() > 0 {
		b := n.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// Negative: 2^(8*len) + n, with enough bytes that the top bit is set.
	magnitude := new(big.Int).Sub(new(big.Int).Neg(n), big.NewInt(1)) // -n-1 fits in 8*l-1 bits
	l := (magnitude.BitLen() + 8) / 8
	m := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), uint(8*l)), n)
	b := m.Bytes()
	for len(b) < l {
		b = append([]byte{0xff}, b...)
	}
	return b
}

func fromTwosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return n
}

// decodeValue turns a Value into Go: int8..int64, float32/64, bool, string, []byte,
// []any, map[string]any (string keys) or []MapEntry, *Struct, Decimal, time.Time.
func decodeValue(s *Schema, p *pb.Value) (any, error) {
	if p == nil || p.Kind == nil {
		return nil, nil
	}
	if _, null := p.Kind.(*pb.Value_Null); null {
		if s != nil && !s.Optional && s.Default == nil {
			return nil, fmt.Errorf("null value for a required %s schema", typeName(s))
		}
		return nil, nil
	}
	if s != nil {
		switch s.Name {
		case DecimalName:
			scale, _ := strconv.Atoi(s.Parameters["scale"])
			return Decimal{Unscaled: fromTwosComplement(p.GetBytes()), Scale: int32(scale)}, nil
		case DateName:
			return epoch.AddDate(0, 0, int(p.GetInt32())), nil
		case TimeName:
			return epoch.Add(time.Duration(p.GetInt32()) * time.Millisecond), nil
		case TimestampName:
			return time.UnixMilli(p.GetInt64()).UTC(), nil
		}
	}
	switch k := p.Kind.(type) {
	case *pb.Value_Boolean:
		return k.Boolean, nil
	case *pb.Value_Int8:
		return int8(k.Int8), nil
	case *pb.Value_Int16:
		return int16(k.Int16), nil
	case *pb.Value_Int32:
		return k.Int32, nil
	case *pb.Value_Int64:
		return k.Int64, nil
	case *pb.Value_Float32:
		return k.Float32, nil
	case *pb.Value_Float64:
		return k.Float64, nil
	case *pb.Value_String_:
		return k.String_, nil
	case *pb.Value_Bytes:
		return k.Bytes, nil
	case *pb.Value_Decimal:
		return Decimal{Unscaled: fromTwosComplement(k.Decimal.Unscaled), Scale: k.Decimal.Scale}, nil
	case *pb.Value_Array:
		var elem *Schema
		if s != nil {
			elem = s.ValueSchema
		}
		out := make([]any, 0, len(k.Array.Items))
		for _, it := range k.Array.Items {
			v, err := decodeValue(elem, it)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *pb.Value_Map:
		var ks, vs *Schema
		if s != nil {
			ks, vs = s.KeySchema, s.ValueSchema
		}
		entries := make([]MapEntry, 0, len(k.Map.Entries))
		stringKeys := true
		for _, e := range k.Map.Entries {
			key, err := decodeValue(ks, e.Key)
			if err != nil {
				return nil, err
			}
			val, err := decodeValue(vs, e.Value)
			if err != nil {
				return nil, err
			}
			if _, ok := key.(string); !ok {
				stringKeys = false
			}
			entries = append(entries, MapEntry{Key: key, Value: val})
		}
		if !stringKeys {
			return entries, nil
		}
		m := make(map[string]any, len(entries))
		for _, e := range entries {
			m[e.Key.(string)] = e.Value
		}
		return m, nil
	case *pb.Value_Struct:
		if s == nil || s.Type != StructType {
			return nil, fmt.Errorf("a struct value without a STRUCT schema")
		}
		st := NewStruct(s)
		for i, fv := range k.Struct.Fields {
			if i >= len(s.Fields) {
				return nil, fmt.Errorf("struct has more values than its schema has fields")
			}
			v, err := decodeValue(s.Fields[i].Schema, fv)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", s.Fields[i].Name, err)
			}
			st.Values[i] = v
		}
		return st, nil
	}
	return nil, fmt.Errorf("unknown value kind %T", p.Kind)
}

// ---------------------------------------------------------------------------- records

type caps struct{ rawBytes, schemaRefs, trace bool }

// recordEncoder encodes a stream's source records.
type recordEncoder struct {
	caps    caps
	schemas schemaWriter
}

func (e *recordEncoder) data(schema *Schema, v any) (*pb.RecordData, error) {
	if raw, ok := v.(RawBytes); ok {
		if e.caps.rawBytes {
			return &pb.RecordData{Kind: &pb.RecordData_Raw{Raw: raw}}, nil
		}
		if schema == nil {
			schema = OptionalBytesSchema
		}
	}
	if schema == nil {
		// A schemaless value that brings its own schema.
		switch x := v.(type) {
		case *Struct:
			schema = x.Schema
		case time.Time:
			schema = TimestampSchema
		}
	}
	val, err := encodeValue(schema, v)
	if err != nil {
		return nil, err
	}
	st := &pb.Structured{Value: val}
	if schema != nil {
		st.Schema = e.schemas.write(schema)
	}
	return &pb.RecordData{Kind: &pb.RecordData_Structured{Structured: st}}, nil
}

func (e *recordEncoder) encode(r *SourceRecord, seq uint64) (*pb.SourceRecord, error) {
	out := &pb.SourceRecord{Seq: seq, Topic: r.Topic, KafkaPartition: r.KafkaPartition}
	if r.Topic == "" {
		return nil, fmt.Errorf("record %d has no topic", seq)
	}
	var err error
	if r.SourcePartition != nil {
		if out.SourcePartition, err = encodeAny(r.SourcePartition); err != nil {
			return nil, fmt.Errorf("source partition: %w", err)
		}
	}
	if r.SourceOffset != nil {
		if out.SourceOffset, err = encodeAny(r.SourceOffset); err != nil {
			return nil, fmt.Errorf("source offset: %w", err)
		}
	}
	if r.Key != nil || r.KeySchema != nil {
		if out.Key, err = e.data(r.KeySchema, r.Key); err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
	}
	if out.Value, err = e.data(r.ValueSchema, r.Value); err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	if !r.Timestamp.IsZero() {
		ts := r.Timestamp.UnixMilli()
		out.Timestamp = &ts
	}
	for _, h := range r.Headers {
		ph := &pb.Header{Key: h.Key}
		if h.Schema != nil {
			ph.Schema = e.schemas.write(h.Schema)
		}
		if ph.Value, err = encodeValue(h.Schema, h.Value); err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		out.Headers = append(out.Headers, ph)
	}
	if e.caps.trace && !r.Trace.IsZero() {
		out.Trace = &pb.TraceContext{Traceparent: r.Trace.Traceparent, Tracestate: r.Trace.Tracestate}
	}
	return out, nil
}

// recordDecoder decodes a stream's sink records.
type recordDecoder struct {
	schemas schemaReader
}

func (d *recordDecoder) data(p *pb.RecordData) (*Schema, any, error) {
	switch k := p.GetKind().(type) {
	case *pb.RecordData_Raw:
		return nil, RawBytes(k.Raw), nil
	case *pb.RecordData_Structured:
		s, err := d.schemas.read(k.Structured.Schema)
		if err != nil {
			return nil, nil, err
		}
		v, err := decodeValue(s, k.Structured.Value)
		return s, v, err
	}
	return nil, nil, nil
}

func (d *recordDecoder) decode(p *pb.SinkRecord) (*SinkRecord, error) {
	r := &SinkRecord{
		Topic: p.Topic, KafkaPartition: p.KafkaPartition, KafkaOffset: p.KafkaOffset,
		TimestampType: TimestampType(p.TimestampType), OriginalTopic: p.OriginalTopic,
		OriginalKafkaPartition: p.OriginalKafkaPartition,
	}
	if r.OriginalTopic == "" {
		r.OriginalTopic, r.OriginalKafkaPartition = p.Topic, p.KafkaPartition
	}
	var err error
	if r.KeySchema, r.Key, err = d.data(p.Key); err != nil {
		return nil, fmt.Errorf("key of %s-%d@%d: %w", p.Topic, p.KafkaPartition, p.KafkaOffset, err)
	}
	if r.ValueSchema, r.Value, err = d.data(p.Value); err != nil {
		return nil, fmt.Errorf("value of %s-%d@%d: %w", p.Topic, p.KafkaPartition, p.KafkaOffset, err)
	}
	if p.Timestamp != nil {
		r.Timestamp = time.UnixMilli(*p.Timestamp).UTC()
	}
	for _, h := range p.Headers {
		s, err := d.schemas.read(h.Schema)
		if err != nil {
			return nil, err
		}
		v, err := decodeValue(s, h.Value)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		r.Headers = append(r.Headers, Header{Key: h.Key, Schema: s, Value: v})
	}
	if p.Trace != nil {
		r.Trace = TraceContext{Traceparent: p.Trace.Traceparent, Tracestate: p.Trace.Tracestate}
	}
	return r, nil
}

// partitionKey is a canonical key for a source partition map (key order does not matter).
func partitionKey(p map[string]any) string {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Sprint(p)
	}
	return string(b)
}

func mapFromValue(p *pb.Value) map[string]any {
	v, err := decodeValue(nil, p)
	if err != nil {
		return nil
	}
	m, _ := v.(map[string]any)
	return m
}
