//! Java semantics that Kafka Connect's behaviour depends on: number parsing and printing,
//! `java.math.BigDecimal`, `String.hashCode` and `java.util.HashMap`'s iteration order (JDK
//! 17), so transforms that build a `HashMap` give their entries in Kafka Connect's order.
//!
//! Differences: number parsing accepts ASCII digits only (Java also accepts other Unicode
//! decimal digits); hexadecimal floating-point literals (`0x1p3`) are not parsed; a
//! `HashMap` bucket with more than eight colliding keys in a table of 64 or more (a Java
//! tree bin) may iterate in a different order.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::str::FromStr;

use num_bigint::{BigInt, Sign};

use crate::data::Value;

// ---------------------------------------------------------------- BigDecimal

/// A `java.math.BigDecimal`: `unscaled * 10^-scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BigDec {
    pub unscaled: BigInt,
    pub scale: i32,
}

impl BigDec {
    pub fn new(unscaled: BigInt, scale: i32) -> BigDec {
        BigDec { unscaled, scale }
    }

    pub fn zero() -> BigDec {
        BigDec::new(BigInt::from(0), 0)
    }

    /// From Kafka Connect's Decimal bytes (big-endian two's complement) and scale.
    pub fn from_bytes(bytes: &[u8], scale: i32) -> BigDec {
        let unscaled = if bytes.is_empty() {
            BigInt::from(0)
        } else {
            BigInt::from_signed_bytes_be(bytes)
        };
        BigDec::new(unscaled, scale)
    }

    /// `unscaledValue().toByteArray()`.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.unscaled.to_signed_bytes_be()
    }

    /// `new BigDecimal(String)`; None where Java throws NumberFormatException.
    pub fn parse(s: &str) -> Option<BigDec> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            neg = b[i] == b'-';
            i += 1;
        }
        let mut digits = String::new();
        let mut frac = 0i64;
        let mut seen_point = false;
        let mut any = false;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_digit() {
                digits.push(c as char);
                any = true;
                if seen_point {
                    frac += 1;
                }
            } else if c == b'.' && !seen_point {
                seen_point = true;
            } else {
                break;
            }
            i += 1;
        }
        if !any {
            return None;
        }
        let mut exp: i64 = 0;
        if i < b.len() {
            if b[i] != b'e' && b[i] != b'E' {
                return None;
            }
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                eneg = b[i] == b'-';
                i += 1;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = exp.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
                i += 1;
            }
            if i == start || i != b.len() {
                return None;
            }
            if exp > i32::MAX as i64 {
                return None;
            }
            if eneg {
                exp = -exp;
            }
        }
        let scale = frac - exp;
        if scale > i32::MAX as i64 || scale < i32::MIN as i64 {
            return None;
        }
        let mut unscaled = BigInt::from_str(&digits).ok()?;
        if neg {
            unscaled = -unscaled;
        }
        Some(BigDec::new(unscaled, scale as i32))
    }

    pub fn signum(&self) -> i32 {
        match self.unscaled.sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        }
    }

    /// `toString()` (scientific notation when Java uses it).
    pub fn to_java_string(&self) -> String {
        super::jsonout::big_decimal_string(&self.to_bytes(), self.scale)
    }

    /// `toPlainString()` (scientific notation beyond 10000 zeros).
    pub fn to_plain_string(&self) -> String {
        if (self.scale as i64) < -10_000 {
            return self.to_java_string();
        }
        let s = self.unscaled.magnitude().to_string();
        let neg = self.signum() < 0;
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        if self.scale <= 0 {
            out.push_str(&s);
            if self.signum() != 0 {
                for _ in 0..(-(self.scale as i64)) {
                    out.push('0');
                }
            }
        } else {
            let scale = self.scale as usize;
            if s.len() > scale {
                out.push_str(&s[..s.len() - scale]);
                out.push('.');
                out.push_str(&s[s.len() - scale..]);
            } else {
                out.push_str("0.");
                for _ in s.len()..scale {
                    out.push('0');
                }
                out.push_str(&s);
            }
        }
        out
    }

    /// The number of decimal digits of the unscaled value (`precision()`).
    pub fn precision(&self) -> usize {
        if self.signum() == 0 {
            1
        } else {
            self.unscaled.magnitude().to_string().len()
        }
    }

    /// True when the value has no fractional part.
    pub fn is_integral(&self) -> bool {
        if self.scale <= 0 || self.signum() == 0 {
            return true;
        }
        let s = self.unscaled.magnitude().to_string();
        let scale = self.scale as usize;
        if scale >= s.len() {
            return false;
        }
        s[s.len() - scale..].bytes().all(|b| b == b'0')
    }

    /// The integer part (truncated toward zero), or None when it would need more than
    /// `max_digits` digits.
    pub fn integer_part(&self, max_digits: usize) -> Option<BigInt> {
        if self.scale <= 0 {
            if self.signum() == 0 {
                return Some(BigInt::from(0));
            }
            let e = -(self.scale as i64) as usize;
            if self.precision() + e > max_digits {
                return None;
            }
            return Some(&self.unscaled * BigInt::from(10).pow(e as u32));
        }
        let s = self.unscaled.magnitude().to_string();
        let scale = self.scale as usize;
        if scale >= s.len() {
            return Some(BigInt::from(0));
        }
        let int: BigInt = BigInt::from_str(&s[..s.len() - scale]).ok()?;
        Some(if self.signum() < 0 { -int } else { int })
    }

    /// `longValue()`: the low 64 bits of the integer part.
    pub fn long_value(&self) -> i64 {
        if self.scale < 0 && -(self.scale as i64) >= 64 {
            // 10^k is a multiple of 2^64 for k >= 64.
            return 0;
        }
        match self.integer_part(usize::MAX) {
            Some(i) => low_i64(&i),
            None => 0,
        }
    }

    pub fn int_value(&self) -> i32 {
        self.long_value() as i32
    }

    /// `doubleValue()` (correctly rounded).
    pub fn double_value(&self) -> f64 {
        f64::from_str(&self.sci_string()).unwrap_or(f64::NAN)
    }

    /// `floatValue()` (correctly rounded).
    pub fn float_value(&self) -> f32 {
        f32::from_str(&self.sci_string()).unwrap_or(f32::NAN)
    }

    fn sci_string(&self) -> String {
        format!("{}e{}", self.unscaled, -(self.scale as i64))
    }

    /// `setScale(scale)` without rounding; None when digits would be lost.
    pub fn with_scale(&self, scale: i32) -> Option<BigDec> {
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self.clone()),
            Ordering::Greater => {
                let k = (scale as i64 - self.scale as i64) as u32;
                if k > 100_000 {
                    return None;
                }
                Some(BigDec::new(&self.unscaled * BigInt::from(10).pow(k), scale))
            }
            Ordering::Less => {
                let k = (self.scale as i64 - scale as i64) as u32;
                if k > 100_000 {
                    return if self.signum() == 0 {
                        Some(BigDec::new(BigInt::from(0), scale))
                    } else {
                        None
                    };
                }
                let d = BigInt::from(10).pow(k);
                let q = &self.unscaled / &d;
                if &q * &d == self.unscaled {
                    Some(BigDec::new(q, scale))
                } else {
                    None
                }
            }
        }
    }

    /// `BigDecimal.valueOf(double)`: `new BigDecimal(Double.toString(d))`.
    pub fn value_of_double(d: f64) -> Option<BigDec> {
        BigDec::parse(&double_to_string(d))
    }

    /// `hashCode()`: `31 * unscaled.hashCode() + scale`.
    pub fn java_hash(&self) -> i32 {
        let mut h: i32 = 0;
        let (sign, words) = self.unscaled.to_u32_digits();
        for w in words.iter().rev() {
            h = h.wrapping_mul(31).wrapping_add(*w as i32);
        }
        let signum = match sign {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        };
        h.wrapping_mul(signum)
            .wrapping_mul(31)
            .wrapping_add(self.scale)
    }
}

fn low_i64(i: &BigInt) -> i64 {
    let bytes = i.to_signed_bytes_le();
    let mut buf = [if i.sign() == Sign::Minus { 0xffu8 } else { 0 }; 8];
    for (k, b) in bytes.iter().take(8).enumerate() {
        buf[k] = *b;
    }
    i64::from_le_bytes(buf)
}

// ---------------------------------------------------------------- parsing

/// `Long.parseLong(s)` (also Integer/Short/Byte with their ranges): an optional sign and
/// ASCII digits, no blanks.
pub fn parse_long(s: &str, min: i64, max: i64) -> Option<i64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i128 = 0;
    for d in digits {
        v = v * 10 + (*d - b'0') as i128;
        if v > i64::MAX as i128 + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    if v < min as i128 || v > max as i128 {
        return None;
    }
    Some(v as i64)
}

/// Checks Java's `FloatingDecimal` grammar and returns the text Rust can parse (without
/// blanks and the `f`/`d` suffix), or the special value.
fn java_float_text(s: &str) -> Option<Result<String, f64>> {
    let t = s.trim_matches(|c: char| c <= ' ');
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body == "NaN" {
        return Some(Err(f64::NAN));
    }
    if body == "Infinity" {
        return Some(Err(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }));
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    let b = body.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    Some(Ok(format!("{}{}", if neg { "-" } else { "" }, body)))
}

/// `Double.parseDouble(s)`.
pub fn parse_double(s: &str) -> Option<f64> {
    match java_float_text(s)? {
        Ok(text) => f64::from_str(&text).ok(),
        Err(special) => Some(special),
    }
}

/// `Float.parseFloat(s)`.
pub fn parse_float(s: &str) -> Option<f32> {
    match java_float_text(s)? {
        Ok(text) => f32::from_str(&text).ok(),
        Err(special) => Some(special as f32),
    }
}

// ---------------------------------------------------------------- printing

/// `Double.toString(d)`.
pub fn double_to_string(d: f64) -> String {
    if d.to_bits() == 1 {
        return "4.9E-324".into();
    }
    if d.to_bits() == (1u64 << 63) | 1 {
        return "-4.9E-324".into();
    }
    let mut out = Vec::new();
    super::jsonout::write_f64(&mut out, d);
    String::from_utf8_lossy(&out).trim_matches('"').to_string()
}

/// `Float.toString(f)`.
pub fn float_to_string(f: f32) -> String {
    if f.to_bits() == 1 {
        return "1.4E-45".into();
    }
    if f.to_bits() == (1u32 << 31) | 1 {
        return "-1.4E-45".into();
    }
    let mut out = Vec::new();
    super::jsonout::write_f32(&mut out, f);
    String::from_utf8_lossy(&out).trim_matches('"').to_string()
}

// ---------------------------------------------------------------- hashing

/// `String.hashCode()` (over UTF-16 code units).
pub fn string_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    for u in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(u as i32);
    }
    h
}

/// `hashCode()` of the Java object a value is (0 where Java's is identity-based).
pub fn java_hash(v: &Value) -> i32 {
    match v {
        Value::Null => 0,
        Value::Boolean(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Int8(i) => *i as i32,
        Value::Int16(i) => *i as i32,
        Value::Int32(i) => *i,
        Value::Int64(i) => (*i ^ ((*i as u64) >> 32) as i64) as i32,
        Value::Float32(f) => {
            let bits = if f.is_nan() { 0x7fc0_0000 } else { f.to_bits() };
            bits as i32
        }
        Value::Float64(f) => {
            let bits = if f.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                f.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::String(s) => string_hash(s),
        Value::Bytes(_) | Value::Struct(_) => 0,
        Value::Array(items) => items
            .iter()
            .fold(1i32, |h, e| h.wrapping_mul(31).wrapping_add(java_hash(e))),
        Value::Map(entries) => entries.iter().fold(0i32, |h, (k, v)| {
            h.wrapping_add(java_hash(k) ^ java_hash(v))
        }),
        Value::Decimal { unscaled, scale } => BigDec::from_bytes(unscaled, *scale).java_hash(),
    }
}

const MAXIMUM_CAPACITY: usize = 1 << 30;

fn table_size_for(cap: usize) -> usize {
    if cap <= 1 {
        return 1;
    }
    cap.next_power_of_two().min(MAXIMUM_CAPACITY)
}

/// A `java.util.HashMap` (JDK 17) that remembers insertion order and table growth, so its
/// iteration order can be given back as Java's.
#[derive(Debug, Clone)]
pub struct JavaHashMap {
    /// In insertion order; removed entries leave a hole.
    entries: Vec<Option<(Value, Value, i32)>>,
    /// Entry positions by spread hash.
    by_hash: HashMap<i32, Vec<usize>>,
    /// Entries per bucket of the current table.
    bins: HashMap<usize, usize>,
    len: usize,
    cap: usize,
    threshold: usize,
}

fn spread(h: i32) -> i32 {
    h ^ ((h as u32) >> 16) as i32
}

impl JavaHashMap {
    /// `new HashMap<>()`.
    pub fn new() -> JavaHashMap {
        JavaHashMap {
            entries: Vec::new(),
            by_hash: HashMap::new(),
            bins: HashMap::new(),
            len: 0,
            cap: 0,
            threshold: 0,
        }
    }

    /// `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(n: usize) -> JavaHashMap {
        let mut m = JavaHashMap::new();
        m.threshold = table_size_for(n);
        m
    }

    /// `new HashMap<>(map)` of a map iterated in `entries` order.
    pub fn from_entries(entries: &[(Value, Value)]) -> JavaHashMap {
        let mut m = JavaHashMap::new();
        let s = entries.len();
        if s > 0 {
            let ft = (s as f32 / 0.75f32) + 1.0f32;
            let t = if ft < MAXIMUM_CAPACITY as f32 {
                ft as usize
            } else {
                MAXIMUM_CAPACITY
            };
            if t > m.threshold {
                m.threshold = table_size_for(t);
            }
        }
        m.entries.reserve(s);
        for (k, v) in entries {
            m.put(k.clone(), v.clone());
        }
        m
    }

    fn resize(&mut self) {
        let old_cap = self.cap;
        let old_thr = self.threshold;
        let mut new_thr = 0usize;
        let new_cap;
        if old_cap > 0 {
            if old_cap >= MAXIMUM_CAPACITY {
                self.threshold = i32::MAX as usize;
                return;
            }
            new_cap = old_cap << 1;
            if new_cap < MAXIMUM_CAPACITY && old_cap >= 16 {
                new_thr = old_thr << 1;
            }
        } else if old_thr > 0 {
            new_cap = old_thr;
        } else {
            new_cap = 16;
            new_thr = 12;
        }
        if new_thr == 0 {
            let ft = new_cap as f32 * 0.75f32;
            new_thr = if new_cap < MAXIMUM_CAPACITY && ft < MAXIMUM_CAPACITY as f32 {
                ft as usize
            } else {
                i32::MAX as usize
            };
        }
        self.threshold = new_thr;
        self.cap = new_cap;
        self.bins.clear();
        for (_, _, h) in self.entries.iter().flatten() {
            *self
                .bins
                .entry((*h as u32 as usize) & (new_cap - 1))
                .or_insert(0) += 1;
        }
    }

    fn index(&self, hash: i32) -> usize {
        (hash as u32 as usize) & (self.cap - 1)
    }

    fn position(&self, key: &Value) -> Option<usize> {
        let h = spread(java_hash(key));
        self.by_hash
            .get(&h)?
            .iter()
            .copied()
            .find(|&i| matches!(&self.entries[i], Some((k, _, _)) if k == key))
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.position(key)
            .and_then(|i| self.entries[i].as_ref())
            .map(|(_, v, _)| v)
    }

    pub fn contains_key(&self, key: &Value) -> bool {
        self.position(key).is_some()
    }

    pub fn put(&mut self, key: Value, value: Value) {
        if self.cap == 0 {
            self.resize();
        }
        if let Some(i) = self.position(&key) {
            if let Some(e) = self.entries[i].as_mut() {
                e.1 = value;
            }
            return;
        }
        let hash = spread(java_hash(&key));
        let idx = self.index(hash);
        let in_bin = self.bins.get(&idx).copied().unwrap_or(0);
        self.by_hash
            .entry(hash)
            .or_default()
            .push(self.entries.len());
        self.entries.push(Some((key, value, hash)));
        *self.bins.entry(idx).or_insert(0) += 1;
        self.len += 1;
        if in_bin >= 8 && self.cap < 64 {
            // treeifyBin on a small table resizes instead.
            self.resize();
        }
        if self.len > self.threshold {
            self.resize();
        }
    }

    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        let i = self.position(key)?;
        let (_, v, h) = self.entries[i].take()?;
        if let Some(list) = self.by_hash.get_mut(&h) {
            list.retain(|&j| j != i);
        }
        let idx = self.index(h);
        if let Some(c) = self.bins.get_mut(&idx) {
            *c = c.saturating_sub(1);
        }
        self.len -= 1;
        Some(v)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries in Java's iteration order.
    pub fn into_entries(self) -> Vec<(Value, Value)> {
        let cap = self.cap.max(1);
        let mut e: Vec<(usize, Value, Value)> = self
            .entries
            .into_iter()
            .flatten()
            .map(|(k, v, h)| ((h as u32 as usize) & (cap - 1), k, v))
            .collect();
        e.sort_by_key(|(i, _, _)| *i);
        e.into_iter().map(|(_, k, v)| (k, v)).collect()
    }

    /// The keys in Java's iteration order.
    pub fn keys(&self) -> Vec<Value> {
        self.clone()
            .into_entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }
}

impl Default for JavaHashMap {
    fn default() -> Self {
        JavaHashMap::new()
    }
}

/// The iteration order of `new HashSet<>(list)` (JDK 17).
pub fn java_hash_set_order(items: &[String]) -> Vec<String> {
    let cap = ((items.len() as f32 / 0.75f32) as usize + 1).max(16);
    let mut m = JavaHashMap::with_capacity(cap);
    for i in items {
        m.put(Value::String(i.clone()), Value::Null);
    }
    m.into_entries()
        .into_iter()
        .filter_map(|(k, _)| {
            if let Value::String(s) = k {
                Some(s)
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_decimal_parsing() {
        let d = BigDec::parse("-12.3400").unwrap();
        assert_eq!(d.scale, 4);
        assert_eq!(d.to_java_string(), "-12.3400");
        assert_eq!(BigDec::parse("1e3").unwrap().to_java_string(), "1E+3");
        assert_eq!(BigDec::parse("1e3").unwrap().to_plain_string(), "1000");
        assert!(BigDec::parse("1e").is_none());
        assert!(BigDec::parse(" 1").is_none());
        assert_eq!(
            BigDec::parse("1e30").unwrap().long_value(),
            5_076_944_270_305_263_616
        );
        assert_eq!(BigDec::parse("-2.9").unwrap().long_value(), -2);
        assert_eq!(BigDec::parse("1e999999999").unwrap().long_value(), 0);
    }

    #[test]
    fn java_floats() {
        assert_eq!(parse_double(" 1.5f "), Some(1.5));
        assert_eq!(parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_double("inf"), None);
        assert_eq!(parse_double("1e"), None);
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(double_to_string(1e21), "1.0E21");
        assert_eq!(float_to_string(0.1), "0.1");
    }

    #[test]
    fn hash_map_order() {
        // Java: new HashMap<>(); put a..e, "id", "name" → iteration order by bucket.
        let mut m = JavaHashMap::new();
        for k in ["name", "id", "zeta", "alpha"] {
            m.put(Value::String(k.into()), Value::Null);
        }
        let keys: Vec<String> = m
            .into_entries()
            .into_iter()
            .map(|(k, _)| {
                if let Value::String(s) = k {
                    s
                } else {
                    String::new()
                }
            })
            .collect();
        assert_eq!(keys, vec!["zeta", "alpha", "name", "id"]);
        assert_eq!(string_hash("hello"), 99_162_322);
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn copy_constructor_order() {
        let e: Vec<(Value, Value)> = ["id", "amount", "day"]
            .iter()
            .map(|k| (Value::String(k.to_string()), Value::Null))
            .collect();
        let m = JavaHashMap::from_entries(&e);
        let keys: Vec<String> = m
            .into_entries()
            .into_iter()
            .map(|(k, _)| format!("{k:?}"))
            .collect();
        assert_eq!(
            keys,
            vec!["String(\"amount\")", "String(\"id\")", "String(\"day\")"]
        );
    }
}
