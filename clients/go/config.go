package polyconnect

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

// ConfigType is a config key's type, as in Kafka Connect's ConfigDef.Type.
type ConfigType int32

const (
	TypeBoolean  = ConfigType(pb.ConfigType_BOOLEAN_CONFIG)
	TypeString   = ConfigType(pb.ConfigType_STRING_CONFIG)
	TypeInt      = ConfigType(pb.ConfigType_INT_CONFIG)
	TypeShort    = ConfigType(pb.ConfigType_SHORT_CONFIG)
	TypeLong     = ConfigType(pb.ConfigType_LONG_CONFIG)
	TypeDouble   = ConfigType(pb.ConfigType_DOUBLE_CONFIG)
	TypeList     = ConfigType(pb.ConfigType_LIST_CONFIG)
	TypeClass    = ConfigType(pb.ConfigType_CLASS_CONFIG)
	TypePassword = ConfigType(pb.ConfigType_PASSWORD_CONFIG) // a secret: masked by the core
)

func (t ConfigType) String() string { return strings.TrimSuffix(pb.ConfigType(t).String(), "_CONFIG") }

// Importance of a config key.
type Importance int32

const (
	High   = Importance(pb.Importance_HIGH)
	Medium = Importance(pb.Importance_MEDIUM)
	Low    = Importance(pb.Importance_LOW)
)

// ConfigKey defines one config key.
type ConfigKey struct {
	Name string
	Type ConfigType
	// Required: the key has no default and must be set. Otherwise Default (in its string
	// form, as in a .properties file) is used when the key is absent.
	Required     bool
	Default      string
	Importance   Importance
	Doc          string
	Group        string
	OrderInGroup int
	DisplayName  string
	Validator    Validator
}

// ConfigDef is a connector's config definition (Kafka Connect's ConfigDef).
type ConfigDef struct {
	keys []ConfigKey
}

// NewConfigDef defines keys, in order.
func NewConfigDef(keys ...ConfigKey) *ConfigDef {
	d := &ConfigDef{}
	for _, k := range keys {
		d.Define(k)
	}
	return d
}

// Define adds a key (a later definition of the same name replaces the earlier one).
func (d *ConfigDef) Define(k ConfigKey) *ConfigDef {
	for i := range d.keys {
		if d.keys[i].Name == k.Name {
			d.keys[i] = k
			return d
		}
	}
	d.keys = append(d.keys, k)
	return d
}

// Keys are the defined keys, in definition order.
func (d *ConfigDef) Keys() []ConfigKey {
	if d == nil {
		return nil
	}
	return append([]ConfigKey(nil), d.keys...)
}

// Validate checks raw values against the definition: the errors of each defined key
// (an empty slice when the key is valid).
func (d *ConfigDef) Validate(raw map[string]string) map[string][]string {
	out := map[string][]string{}
	for _, k := range d.Keys() {
		out[k.Name] = []string{}
		if _, err := k.parse(raw); err != nil {
			out[k.Name] = append(out[k.Name], err.Error())
		}
	}
	return out
}

// Parse parses raw values, applying defaults. Every problem is named in the returned
// *ConfigError.
func (d *ConfigDef) Parse(raw map[string]string) (Config, error) {
	c := Config{raw: map[string]string{}, values: map[string]any{}}
	for k, v := range raw {
		c.raw[k] = v
	}
	var problems []string
	for _, k := range d.Keys() {
		v, err := k.parse(raw)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		c.values[k.Name] = v
	}
	if len(problems) > 0 {
		return c, &ConfigError{Message: strings.Join(problems, "; ")}
	}
	return c, nil
}

func (k ConfigKey) parse(raw map[string]string) (any, error) {
	s, ok := raw[k.Name]
	if !ok {
		if k.Required {
			return nil, fmt.Errorf("Missing required configuration %q which has no default value.", k.Name)
		}
		s = k.Default
	}
	v, err := parseValue(k.Type, s)
	if err != nil {
		return nil, fmt.Errorf("Invalid value %s for configuration %s: %v", shown(k, s), k.Name, err)
	}
	if k.Validator != nil {
		if err := k.Validator.Check(k.Name, v); err != nil {
			return nil, fmt.Errorf("Invalid value %s for configuration %s: %v", shown(k, s), k.Name, err)
		}
	}
	return v, nil
}

func shown(k ConfigKey, s string) string {
	if k.Type == TypePassword {
		return "[hidden]"
	}
	return s
}

func parseValue(t ConfigType, s string) (any, error) {
	trimmed := strings.TrimSpace(s)
	switch t {
	case TypeBoolean:
		switch strings.ToLower(trimmed) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("Expected value to be either true or false")
	case TypeInt, TypeShort, TypeLong:
		bits := map[ConfigType]int{TypeInt: 32, TypeShort: 16, TypeLong: 64}[t]
		n, err := strconv.ParseInt(trimmed, 10, bits)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type %s", t)
		}
		return n, nil
	case TypeDouble:
		f, err := strconv.ParseFloat(trimmed, 64)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type DOUBLE")
		}
		return f, nil
	case TypeList:
		if trimmed == "" {
			return []string{}, nil
		}
		parts := strings.Split(trimmed, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts, nil
	case TypePassword:
		return s, nil
	default: // STRING, CLASS
		return trimmed, nil
	}
}

// Config is a parsed config: typed values of the defined keys, and every raw value.
type Config struct {
	raw    map[string]string
	values map[string]any
}

// NewConfig is a Config of raw values only (for tests and plugins without a ConfigDef).
func NewConfig(raw map[string]string) Config {
	c, _ := (&ConfigDef{}).Parse(raw)
	return c
}

// Raw is every key as given (a copy), including keys the definition does not know.
func (c Config) Raw() map[string]string {
	out := make(map[string]string, len(c.raw))
	for k, v := range c.raw {
		out[k] = v
	}
	return out
}

// String is a STRING, CLASS or PASSWORD value, or the raw value of an undefined key.
func (c Config) String(name string) string {
	if v, ok := c.values[name]; ok {
		if s, ok := v.(string); ok {
			return s
		}
		return fmt.Sprint(v)
	}
	return c.raw[name]
}

// Int is an INT, SHORT or LONG value (0 if absent or not a number).
func (c Config) Int(name string) int64 {
	if v, ok := c.values[name].(int64); ok {
		return v
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(c.raw[name]), 10, 64)
	return n
}

// Float is a DOUBLE value.
func (c Config) Float(name string) float64 {
	if v, ok := c.values[name].(float64); ok {
		return v
	}
	f, _ := strconv.ParseFloat(strings.TrimSpace(c.raw[name]), 64)
	return f
}

// Bool is a BOOLEAN value.
func (c Config) Bool(name string) bool {
	if v, ok := c.values[name].(bool); ok {
		return v
	}
	return strings.EqualFold(strings.TrimSpace(c.raw[name]), "true")
}

// List is a LIST value.
func (c Config) List(name string) []string {
	if v, ok := c.values[name].([]string); ok {
		return append([]string(nil), v...)
	}
	v, _ := parseValue(TypeList, c.raw[name])
	return v.([]string)
}

// Validator checks a parsed value. Range, ValidString, NonEmptyString and ValidList are
// also known to the core (it can apply them without a call); ValidatorFunc is any check.
type Validator interface {
	Check(name string, value any) error
}

// Range bounds a number (either bound may be absent).
type Range struct{ Min, Max *float64 }

// AtLeast is a Range with a minimum.
func AtLeast(min float64) Range { return Range{Min: &min} }

// Between is a Range with both bounds.
func Between(min, max float64) Range { return Range{Min: &min, Max: &max} }

func (r Range) Check(_ string, v any) error {
	var f float64
	switch n := v.(type) {
	case int64:
		f = float64(n)
	case float64:
		f = n
	default:
		return nil
	}
	if r.Min != nil && f < *r.Min {
		return fmt.Errorf("Value must be at least %s", num(*r.Min))
	}
	if r.Max != nil && f > *r.Max {
		return fmt.Errorf("Value must be no more than %s", num(*r.Max))
	}
	return nil
}

func (r Range) String() string {
	lo, hi := "...", "..."
	if r.Min != nil {
		lo = num(*r.Min)
	}
	if r.Max != nil {
		hi = num(*r.Max)
	}
	return "[" + lo + "," + hi + "]"
}

func num(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// ValidString allows only the listed strings.
type ValidString struct {
	Allowed         []string
	CaseInsensitive bool
}

func (s ValidString) Check(_ string, v any) error {
	str, _ := v.(string)
	for _, a := range s.Allowed {
		if a == str || (s.CaseInsensitive && strings.EqualFold(a, str)) {
			return nil
		}
	}
	return fmt.Errorf("String must be one of: %s", strings.Join(s.Allowed, ", "))
}

func (s ValidString) String() string { return "[" + strings.Join(s.Allowed, ", ") + "]" }

// NonEmptyString refuses an empty string.
type NonEmptyString struct{}

func (NonEmptyString) Check(_ string, v any) error {
	if s, _ := v.(string); s == "" {
		return fmt.Errorf("String must be non-empty")
	}
	return nil
}

func (NonEmptyString) String() string { return "non-empty string" }

// ValidList allows only lists of the listed items.
type ValidList struct{ Allowed []string }

func (l ValidList) Check(_ string, v any) error {
	items, _ := v.([]string)
	for _, it := range items {
		if err := (ValidString{Allowed: l.Allowed}).Check("", it); err != nil {
			return fmt.Errorf("Invalid value %s: must be one of %s", it, strings.Join(l.Allowed, ", "))
		}
	}
	return nil
}

func (l ValidList) String() string { return "[" + strings.Join(l.Allowed, ", ") + "]" }

// ValidatorFunc is a check of the connector's own.
type ValidatorFunc func(name string, value any) error

func (f ValidatorFunc) Check(name string, v any) error { return f(name, v) }

func configKeysProto(d *ConfigDef) []*pb.ConfigKey {
	var out []*pb.ConfigKey
	for _, k := range d.Keys() {
		ck := &pb.ConfigKey{
			Name:          k.Name,
			Type:          pb.ConfigType(k.Type),
			Importance:    pb.Importance(k.Importance),
			Documentation: k.Doc,
			Group:         k.Group,
			OrderInGroup:  int32(k.OrderInGroup),
			DisplayName:   k.DisplayName,
			Width:         pb.Width_NONE,
			Secret:        k.Type == TypePassword,
		}
		if ck.Importance == pb.Importance_IMPORTANCE_UNSPECIFIED {
			ck.Importance = pb.Importance_MEDIUM
		}
		if !k.Required {
			def := k.Default
			ck.DefaultValue = &def
		}
		switch v := k.Validator.(type) {
		case Range:
			ck.Validator = &pb.Validator{Kind: &pb.Validator_Range{Range: &pb.Range{Min: v.Min, Max: v.Max}}, Description: v.String()}
		case ValidString:
			ck.Validator = &pb.Validator{Kind: &pb.Validator_ValidString{ValidString: &pb.ValidString{Allowed: v.Allowed, CaseInsensitive: v.CaseInsensitive}}, Description: v.String()}
		case NonEmptyString:
			ck.Validator = &pb.Validator{Kind: &pb.Validator_NonEmptyString{NonEmptyString: &pb.NonEmptyString{}}, Description: v.String()}
		case ValidList:
			ck.Validator = &pb.Validator{Kind: &pb.Validator_ValidList{ValidList: &pb.ValidList{Allowed: v.Allowed}}, Description: v.String()}
		}
		out = append(out, ck)
	}
	return out
}

// sortedKeys is used where output must be deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
