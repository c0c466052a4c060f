//! A JSON writer that produces the bytes Jackson (and so Kafka Connect's JsonConverter)
//! produces: compact, UTF-8, Jackson's string escapes, Java's `Double.toString` /
//! `Float.toString` and `BigDecimal.toString` number forms, NaN and infinities as strings.

use base64::Engine;
use num_bigint::BigInt;

pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    let mut buf = itoa_buf(v);
    out.append(&mut buf);
}

fn itoa_buf(v: i64) -> Vec<u8> {
    v.to_string().into_bytes()
}

pub fn write_bytes_base64(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    let mut s = String::new();
    base64::engine::general_purpose::STANDARD.encode_string(b, &mut s);
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

pub fn write_f64(out: &mut Vec<u8>, v: f64) {
    if let Some(special) = non_finite(v.is_nan(), v.is_infinite(), v.is_sign_negative()) {
        out.extend_from_slice(special.as_bytes());
        return;
    }
    // `{:e}` gives the shortest digits that round-trip, as Java's Double.toString does.
    java_float_form(out, &format!("{v:e}"), v.abs() >= 1e-3 && v.abs() < 1e7);
}

pub fn write_f32(out: &mut Vec<u8>, v: f32) {
    if let Some(special) = non_finite(v.is_nan(), v.is_infinite(), v.is_sign_negative()) {
        out.extend_from_slice(special.as_bytes());
        return;
    }
    java_float_form(out, &format!("{v:e}"), v.abs() >= 1e-3 && v.abs() < 1e7);
}

fn non_finite(nan: bool, inf: bool, neg: bool) -> Option<&'static str> {
    if nan {
        Some("\"NaN\"")
    } else if inf {
        Some(if neg { "\"-Infinity\"" } else { "\"Infinity\"" })
    } else {
        None
    }
}

/// Renders Rust's shortest `{:e}` form (`-1.2345e3`) the way Java's `Double.toString` does:
/// plain notation for magnitudes in [1e-3, 1e7), computerized scientific notation (`1.0E10`)
/// otherwise, and always at least one digit after the point.
fn java_float_form(out: &mut Vec<u8>, sci: &str, plain: bool) {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if neg {
        out.push(b'-');
    }
    if digits.bytes().all(|b| b == b'0') {
        out.extend_from_slice(b"0.0");
        return;
    }
    if plain {
        // value = 0.d1d2d3... * 10^(exp+1)
        let point = exp + 1;
        if point <= 0 {
            out.extend_from_slice(b"0.");
            for _ in 0..(-point) {
                out.push(b'0');
            }
            out.extend_from_slice(digits.as_bytes());
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.extend_from_slice(digits.as_bytes());
                for _ in digits.len()..point {
                    out.push(b'0');
                }
                out.extend_from_slice(b".0");
            } else {
                out.extend_from_slice(&digits.as_bytes()[..point]);
                out.push(b'.');
                out.extend_from_slice(&digits.as_bytes()[point..]);
            }
        }
    } else {
        out.push(digits.as_bytes()[0]);
        out.push(b'.');
        if digits.len() > 1 {
            out.extend_from_slice(&digits.as_bytes()[1..]);
        } else {
            out.push(b'0');
        }
        out.push(b'E');
        out.extend_from_slice(exp.to_string().as_bytes());
    }
}

/// Java's `BigDecimal.toString()` of `unscaled * 10^-scale`.
pub fn write_big_decimal(out: &mut Vec<u8>, unscaled_twos_complement: &[u8], scale: i32) {
    out.extend_from_slice(big_decimal_string(unscaled_twos_complement, scale).as_bytes());
}

pub fn big_decimal_string(unscaled_twos_complement: &[u8], scale: i32) -> String {
    let n = if unscaled_twos_complement.is_empty() {
        BigInt::from(0)
    } else {
        BigInt::from_signed_bytes_be(unscaled_twos_complement)
    };
    let s = n.to_string();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, s),
    };
    let mut result = String::new();
    if neg {
        result.push('-');
    }
    let adjusted = -(scale as i64) + (digits.len() as i64 - 1);
    if scale >= 0 && adjusted >= -6 {
        if scale == 0 {
            result.push_str(&digits);
        } else {
            let scale = scale as usize;
            if digits.len() > scale {
                let point = digits.len() - scale;
                result.push_str(&digits[..point]);
                result.push('.');
                result.push_str(&digits[point..]);
            } else {
                result.push_str("0.");
                for _ in 0..(scale - digits.len()) {
                    result.push('0');
                }
                result.push_str(&digits);
            }
        }
    } else {
        result.push_str(&digits[..1]);
        if digits.len() > 1 {
            result.push('.');
            result.push_str(&digits[1..]);
        }
        result.push('E');
        if adjusted >= 0 {
            result.push('+');
        }
        result.push_str(&adjusted.to_string());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    fn f(v: f32) -> String {
        let mut out = Vec::new();
        write_f32(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn doubles_like_java() {
        assert_eq!(d(1.0), "1.0");
        assert_eq!(d(0.0), "0.0");
        assert_eq!(d(-0.0), "-0.0");
        assert_eq!(d(123.456), "123.456");
        assert_eq!(d(1e7), "1.0E7");
        assert_eq!(d(9999999.0), "9999999.0");
        assert_eq!(d(0.001), "0.001");
        assert_eq!(d(0.0001), "1.0E-4");
        assert_eq!(d(1.5e300), "1.5E300");
        assert_eq!(d(-2.5e-10), "-2.5E-10");
        assert_eq!(d(100.0), "100.0");
        assert_eq!(d(f64::NAN), "\"NaN\"");
        assert_eq!(d(f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(3.4028235e38), "3.4028235E38");
    }

    #[test]
    fn big_decimals_like_java() {
        assert_eq!(big_decimal_string(&[0x30, 0x39], 2), "123.45");
        assert_eq!(big_decimal_string(&[0x01], 0), "1");
        assert_eq!(big_decimal_string(&[0x01], 3), "0.001");
        assert_eq!(big_decimal_string(&[0x01], 7), "1E-7");
        assert_eq!(big_decimal_string(&[0x01], -2), "1E+2");
        assert_eq!(big_decimal_string(&[0xff], 1), "-0.1");
        assert_eq!(big_decimal_string(&[0x0c], 1), "1.2");
    }

    #[test]
    fn strings_like_jackson() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"b\\c\nd\u{1}é/");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\nd\\u0001é/\""
        );
    }
}
