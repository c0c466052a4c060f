//! Java regular expressions (`java.util.regex.Pattern`) on Rust's `regex` crate, for
//! RegexRouter and TopicNameMatches.
//!
//! Translated so they mean what they mean in Java: `\d \w \s` and `\b` are ASCII (Java's
//! default), `\h` and `\v` are Java's horizontal and vertical whitespace, `\Q...\E` quotes.
//! `matches()` is a match of the whole input; `replaceFirst` expands `$n`, `${name}` and
//! `\x` escapes as `Matcher.appendReplacement` does.
//!
//! Not supported (the pattern is refused as invalid): look-ahead and look-behind, back
//! references (`\1`, `\k<name>`), possessive quantifiers (`*+`, `++`, `?+`, `{n}+`),
//! atomic groups (`(?>...)`), `\G`, `\Z`, `\R`, `\X`, and Java-only classes such as
//! `\p{javaLowerCase}`. Topic names only hold `[a-zA-Z0-9._-]`, so the other differences
//! between the two engines (line terminators for `.` and `$`, Unicode case folding) do not
//! arise for them.

use regex::Regex;

#[derive(Debug, Clone)]
pub struct JavaRegex {
    pattern: String,
    full: Regex,
    find: Regex,
}

const ASCII_SPACE: &str = r"\t\n\x0B\x0C\r ";
const H_SPACE: &str = r" \t\xA0\x{1680}\x{180e}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}";
const V_SPACE: &str = r"\n\x0B\x0C\r\x{85}\x{2028}\x{2029}";

fn unsupported(what: &str) -> String {
    format!("{what} is not supported")
}

/// Rewrites a Java pattern into the `regex` crate's syntax.
fn translate(p: &str) -> Result<String, String> {
    let c: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    let mut class_depth = 0usize;
    while i < c.len() {
        let ch = c[i];
        if ch == '\\' {
            let Some(&n) = c.get(i + 1) else {
                return Err("Unexpected internal error near index 1".into());
            };
            i += 2;
            let in_class = class_depth > 0;
            match n {
                'Q' => {
                    let mut lit = String::new();
                    while i < c.len() {
                        if c[i] == '\\' && c.get(i + 1) == Some(&'E') {
                            i += 2;
                            break;
                        }
                        lit.push(c[i]);
                        i += 1;
                    }
                    out.push_str(&regex::escape(&lit));
                }
                'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                'D' => out.push_str("[^0-9]"),
                'w' => out.push_str(if in_class {
                    "a-zA-Z_0-9"
                } else {
                    "[a-zA-Z_0-9]"
                }),
                'W' => out.push_str("[^a-zA-Z_0-9]"),
                's' => {
                    if in_class {
                        out.push_str(ASCII_SPACE);
                    } else {
                        out.push('[');
                        out.push_str(ASCII_SPACE);
                        out.push(']');
                    }
                }
                'S' => {
                    out.push_str("[^");
                    out.push_str(ASCII_SPACE);
                    out.push(']');
                }
                'h' => {
                    if in_class {
                        out.push_str(H_SPACE);
                    } else {
                        out.push('[');
                        out.push_str(H_SPACE);
                        out.push(']');
                    }
                }
                'H' => {
                    out.push_str("[^");
                    out.push_str(H_SPACE);
                    out.push(']');
                }
                'v' => {
                    if in_class {
                        out.push_str(V_SPACE);
                    } else {
                        out.push('[');
                        out.push_str(V_SPACE);
                        out.push(']');
                    }
                }
                'V' => {
                    out.push_str("[^");
                    out.push_str(V_SPACE);
                    out.push(']');
                }
                'b' if !in_class => out.push_str(r"(?-u:\b)"),
                'B' if !in_class => out.push_str(r"(?-u:\B)"),
                '1'..='9' if !in_class => return Err(unsupported("A back reference")),
                'k' => return Err(unsupported("A named back reference")),
                'G' | 'Z' | 'R' | 'X' => return Err(unsupported(&format!("\\{n}"))),
                'e' => out.push_str(r"\x1B"),
                'a' => out.push_str(r"\x07"),
                'c' => {
                    let Some(&ctl) = c.get(i) else {
                        return Err("Illegal control escape sequence".into());
                    };
                    i += 1;
                    out.push_str(&format!(r"\x{{{:x}}}", (ctl as u32) ^ 64));
                }
                '0' => {
                    // Octal: \0n, \0nn, \0mnn.
                    let mut v: u32 = 0;
                    let mut k = 0;
                    while k < 3 && i < c.len() && ('0'..='7').contains(&c[i]) {
                        let nv = v * 8 + (c[i] as u32 - '0' as u32);
                        if nv > 0o377 {
                            break;
                        }
                        v = nv;
                        i += 1;
                        k += 1;
                    }
                    if k == 0 {
                        return Err("Illegal octal escape sequence".into());
                    }
                    out.push_str(&format!(r"\x{{{v:x}}}"));
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            continue;
        }
        match ch {
            '[' => {
                class_depth += 1;
                out.push('[');
                // A ']' right after '[' or '[^' is a literal in Java too.
                if c.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if c.get(i + 1) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '(' if class_depth == 0 && c.get(i + 1) == Some(&'?') => {
                let rest: String = c[i + 2..].iter().take(2).collect();
                if rest.starts_with('=') || rest.starts_with('!') || rest == "<=" || rest == "<!" {
                    return Err(unsupported("Look-around"));
                }
                if rest.starts_with('>') {
                    return Err(unsupported("An atomic group"));
                }
                out.push('(');
            }
            '*' | '+' | '?' | '}' if class_depth == 0 => {
                out.push(ch);
                if c.get(i + 1) == Some(&'+') {
                    return Err(unsupported("A possessive quantifier"));
                }
            }
            _ => out.push(ch),
        }
        i += 1;
    }
    Ok(out)
}

impl JavaRegex {
    /// Compiles a Java pattern; the error is a description of what is wrong.
    pub fn new(pattern: &str) -> Result<JavaRegex, String> {
        let t = translate(pattern)?;
        let full = Regex::new(&format!(r"\A(?:{t})\z")).map_err(|e| e.to_string())?;
        let find = Regex::new(&t).map_err(|e| e.to_string())?;
        Ok(JavaRegex {
            pattern: pattern.to_string(),
            full,
            find,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// `pattern.matcher(s).matches()`.
    pub fn matches(&self, s: &str) -> bool {
        self.full.is_match(s)
    }

    /// `pattern.matcher(s).replaceFirst(replacement)`. Errors are (exception class,
    /// message) as Java throws them for a bad replacement.
    pub fn replace_first(
        &self,
        s: &str,
        replacement: &str,
    ) -> Result<String, (&'static str, String)> {
        let Some(caps) = self.find.captures(s) else {
            return Ok(s.to_string());
        };
        let m = caps.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
        let group_count = self.find.captures_len() - 1;
        let mut out = String::with_capacity(s.len() + replacement.len());
        out.push_str(&s[..m.0]);
        let r: Vec<char> = replacement.chars().collect();
        let mut i = 0;
        const IAE: &str = "java.lang.IllegalArgumentException";
        while i < r.len() {
            let ch = r[i];
            if ch == '\\' {
                i += 1;
                if i == r.len() {
                    return Err((IAE, "character to be escaped is missing".into()));
                }
                out.push(r[i]);
                i += 1;
            } else if ch == '$' {
                i += 1;
                if i == r.len() {
                    return Err((
                        IAE,
                        "Illegal group reference: group index is missing".into(),
                    ));
                }
                if r[i] == '{' {
                    i += 1;
                    let mut name = String::new();
                    while i < r.len() && r[i].is_ascii_alphanumeric() {
                        name.push(r[i]);
                        i += 1;
                    }
                    if name.is_empty() {
                        return Err((IAE, "named capturing group has 0 length name".into()));
                    }
                    if i >= r.len() || r[i] != '}' {
                        return Err((IAE, "named capturing group is missing trailing '}'".into()));
                    }
                    i += 1;
                    if name.as_bytes()[0].is_ascii_digit() {
                        return Err((
                            IAE,
                            "capturing group name {".to_string()
                                + &name
                                + "} starts with digit character",
                        ));
                    }
                    if self.find.capture_names().all(|n| n != Some(name.as_str())) {
                        return Err((IAE, format!("No group with name {{{name}}}")));
                    }
                    if let Some(g) = caps.name(&name) {
                        out.push_str(g.as_str());
                    }
                } else {
                    let Some(d) = r[i].to_digit(10) else {
                        return Err((IAE, "Illegal group reference".into()));
                    };
                    let mut num = d as usize;
                    i += 1;
                    while i < r.len() {
                        let Some(nd) = r[i].to_digit(10) else { break };
                        let next = num * 10 + nd as usize;
                        if group_count < next {
                            break;
                        }
                        num = next;
                        i += 1;
                    }
                    if num > group_count {
                        return Err((
                            "java.lang.IndexOutOfBoundsException",
                            format!("No group {num}"),
                        ));
                    }
                    if let Some(g) = caps.get(num) {
                        out.push_str(g.as_str());
                    }
                }
            } else {
                out.push(ch);
                i += 1;
            }
        }
        out.push_str(&s[m.1..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_semantics() {
        let r = JavaRegex::new(r"(.*)-(\d+)").unwrap();
        assert!(r.matches("orders-12"));
        assert!(!r.matches("orders-x"));
        assert_eq!(r.replace_first("orders-12", "$2_$1").unwrap(), "12_orders");
        assert_eq!(r.replace_first("orders-12", r"\$1").unwrap(), "$1");
        assert!(r.replace_first("orders-12", "$3").is_err());
        assert!(JavaRegex::new("a(?=b)").is_err());
        assert!(JavaRegex::new(r"\Qa.b\E").unwrap().matches("a.b"));
        assert!(!JavaRegex::new(r"\Qa.b\E").unwrap().matches("axb"));
        let alt = JavaRegex::new("a|ab").unwrap();
        assert!(alt.matches("ab"));
        assert_eq!(alt.replace_first("ab", "X").unwrap(), "Xb");
    }
}
