//! Java's `java.text.SimpleDateFormat`, as Kafka Connect uses it: always in UTC (Kafka
//! Connect's TimestampConverter and TimestampRouter set UTC; `Values` uses the JVM's default
//! zone, which Polyconnect takes to be UTC), English symbols, lenient parsing, and
//! `java.util.GregorianCalendar`'s calendar (Julian before 1582-10-15).
//!
//! Supported pattern letters: `G y Y M L w W D d F E u a H k K h m s S z Z X`, quoting with
//! `'...'` and `''`. Week-based fields (`Y w W u`) follow the US rules (weeks start on
//! Sunday, the first week has at least one day), as Java's default `en` locale does.
//!
//! Parsing follows SimpleDateFormat's lenient rules (fields roll over, leading blanks
//! before a field are skipped, abutting numeric fields take exactly their width, text after
//! the pattern is ignored). Not supported when parsing: week-based fields (`Y w W F u` are
//! read but do not move the date), and zone names other than UTC/GMT forms.

use std::time::{SystemTime, UNIX_EPOCH};

pub const MILLIS_PER_DAY: i64 = 86_400_000;
/// 1582-10-15, the first day of the Gregorian calendar in `java.util.GregorianCalendar`.
const GREGORIAN_CUTOVER_DAY: i64 = -141_427;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Indexed by Java's DAY_OF_WEEK - 1 (Sunday first).
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const SHORT_WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const AM_PM: [&str; 2] = ["AM", "PM"];
const ERAS: [&str; 2] = ["BC", "AD"];

const PATTERN_LETTERS: &str = "GyMdkHmsSEDFwWahKzZYuXL";

// ---------------------------------------------------------------- calendar arithmetic

fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..=12, any day).
pub fn gregorian_days(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = floor_div(y, 400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + (day - 1)
}

/// Days since 1970-01-01 of a Julian calendar date.
fn julian_days(year: i64, month: i64, day: i64) -> i64 {
    let a = floor_div(14 - month, 12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    let jdn = day + floor_div(153 * m + 2, 5) + 365 * y + floor_div(y, 4) - 32_083;
    jdn - 2_440_588
}

fn gregorian_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = floor_div(z, 146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn julian_from_days(days: i64) -> (i64, i64, i64) {
    let jdn = days + 2_440_588;
    let c = jdn + 32_082;
    let d = floor_div(4 * c + 3, 1461);
    let e = c - floor_div(1461 * d, 4);
    let m = floor_div(5 * e + 2, 153);
    let day = e - floor_div(153 * m + 2, 5) + 1;
    let month = m + 3 - 12 * floor_div(m, 10);
    let year = d - 4800 + floor_div(m, 10);
    (year, month, day)
}

/// `java.util.GregorianCalendar`'s date for an epoch day: Julian before the cutover.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    if days >= GREGORIAN_CUTOVER_DAY {
        gregorian_from_days(days)
    } else {
        julian_from_days(days)
    }
}

/// Epoch day of a (possibly out-of-range, lenient) year/month/day, as GregorianCalendar
/// computes it: months roll into years, days into months.
pub fn days_from_civil(year: i64, month0: i64, day: i64) -> i64 {
    let year = year + floor_div(month0, 12);
    let month = month0.rem_euclid(12) + 1;
    if year > 1582 {
        gregorian_days(year, month, 1) + day - 1
    } else if year < 1582 {
        julian_days(year, month, 1) + day - 1
    } else {
        let g = gregorian_days(year, month, 1) + day - 1;
        if g >= GREGORIAN_CUTOVER_DAY {
            g
        } else {
            julian_days(year, month, 1) + day - 1
        }
    }
}

fn jan1(year: i64) -> i64 {
    days_from_civil(year, 0, 1)
}

/// Java's DAY_OF_WEEK: 1 = Sunday ... 7 = Saturday.
fn day_of_week(days: i64) -> i64 {
    // 1970-01-01 was a Thursday (5).
    (days + 4).rem_euclid(7) + 1
}

/// The broken-down UTC time of a `java.util.Date`.
#[derive(Debug, Clone, Copy)]
struct Fields {
    year: i64,  // astronomical (0 = 1 BC)
    month: i64, // 1..=12
    day: i64,
    day_of_year: i64,
    day_of_week: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
    week_of_year: i64,
    week_year: i64,
    week_of_month: i64,
    /// The day's position in its month, counting the days that exist.
    day_in_month: i64,
}

fn week_number(days: i64, start_days: i64) -> i64 {
    // US rules: first day Sunday, minimal days 1: week 1 contains `start_days`.
    let offset = (day_of_week(start_days) - 1).rem_euclid(7);
    floor_div(days - start_days + offset, 7) + 1
}

fn fields_of(ms: i64) -> Fields {
    let days = floor_div(ms, MILLIS_PER_DAY);
    let tod = ms.rem_euclid(MILLIS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let start = jan1(year);
    let day_of_year = days - start + 1;
    let mut week_year = year;
    let next = jan1(year + 1);
    // The week holding next year's 1 January is that year's week 1.
    let next_week_start = next - (day_of_week(next) - 1);
    let week_of_year = if days >= next_week_start {
        week_year = year + 1;
        1
    } else {
        week_number(days, start)
    };
    // The month's first day, counted in the calendar of that day (in October 1582 the
    // month starts on the Julian 1 October, ten days before the cutover).
    let month_start = days_from_civil(year, month - 1, 1);
    Fields {
        year,
        month,
        day,
        day_of_year,
        day_of_week: day_of_week(days),
        hour: tod / 3_600_000,
        minute: tod / 60_000 % 60,
        second: tod / 1000 % 60,
        millis: tod % 1000,
        week_of_year,
        week_year,
        week_of_month: week_number(days, month_start),
        day_in_month: days - month_start + 1,
    }
}

// ---------------------------------------------------------------- patterns

#[derive(Debug, Clone, PartialEq)]
enum Item {
    Literal(String),
    Field(char, usize),
}

/// A compiled SimpleDateFormat pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct DateFormat {
    pattern: String,
    items: Vec<Item>,
}

impl DateFormat {
    /// Compiles a pattern. Errors are `IllegalArgumentException` messages, as Java gives.
    pub fn new(pattern: &str) -> Result<DateFormat, String> {
        let mut items: Vec<Item> = Vec::new();
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let mut in_quote = false;
        let mut literal = String::new();
        let flush = |items: &mut Vec<Item>, literal: &mut String| {
            if !literal.is_empty() {
                items.push(Item::Literal(std::mem::take(literal)));
            }
        };
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                if i + 1 < chars.len() && chars[i + 1] == '\'' {
                    literal.push('\'');
                    i += 2;
                    continue;
                }
                in_quote = !in_quote;
                i += 1;
                continue;
            }
            if in_quote {
                literal.push(c);
                i += 1;
                continue;
            }
            if c.is_ascii_alphabetic() {
                if !PATTERN_LETTERS.contains(c) {
                    return Err(format!("Illegal pattern character '{c}'"));
                }
                let mut count = 1;
                while i + count < chars.len() && chars[i + count] == c {
                    count += 1;
                }
                if c == 'X' && count > 3 {
                    return Err(format!("invalid ISO 8601 format: length={count}"));
                }
                flush(&mut items, &mut literal);
                items.push(Item::Field(c, count));
                i += count;
                continue;
            }
            literal.push(c);
            i += 1;
        }
        if in_quote {
            return Err("Unterminated quote".into());
        }
        flush(&mut items, &mut literal);
        Ok(DateFormat {
            pattern: pattern.to_string(),
            items,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// `SimpleDateFormat.format(new Date(ms))` in UTC.
    pub fn format(&self, ms: i64) -> String {
        let f = fields_of(ms);
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Literal(s) => out.push_str(s),
                Item::Field(c, n) => format_field(&mut out, *c, *n, &f),
            }
        }
        out
    }

    /// `SimpleDateFormat.parse(text)` (lenient, UTC): epoch milliseconds, or None where
    /// Java throws `ParseException`.
    pub fn parse(&self, text: &str) -> Option<i64> {
        parse_with(self, text, century_start_ms())
    }
}

fn pad(out: &mut String, value: i64, min: usize) {
    let s = value.unsigned_abs().to_string();
    if value < 0 {
        out.push('-');
    }
    for _ in s.len()..min {
        out.push('0');
    }
    out.push_str(&s);
}

fn format_field(out: &mut String, c: char, n: usize, f: &Fields) {
    let year_of_era = if f.year <= 0 { 1 - f.year } else { f.year };
    match c {
        'G' => out.push_str(if f.year <= 0 { ERAS[0] } else { ERAS[1] }),
        'y' | 'Y' => {
            // The week year is printed as it is (no era), negative before 1 AD.
            let y = if c == 'y' { year_of_era } else { f.week_year };
            if n == 2 {
                pad(out, y % 100, 2);
            } else {
                pad(out, y, n);
            }
        }
        'M' | 'L' => {
            if n >= 4 {
                out.push_str(MONTHS[(f.month - 1) as usize]);
            } else if n == 3 {
                out.push_str(SHORT_MONTHS[(f.month - 1) as usize]);
            } else {
                pad(out, f.month, n);
            }
        }
        'd' => pad(out, f.day, n),
        'D' => pad(out, f.day_of_year, n),
        'F' => pad(out, (f.day_in_month - 1) / 7 + 1, n),
        'w' => pad(out, f.week_of_year, n),
        'W' => pad(out, f.week_of_month, n),
        'E' => {
            let i = (f.day_of_week - 1) as usize;
            out.push_str(if n >= 4 {
                WEEKDAYS[i]
            } else {
                SHORT_WEEKDAYS[i]
            });
        }
        'u' => pad(
            out,
            if f.day_of_week == 1 {
                7
            } else {
                f.day_of_week - 1
            },
            n,
        ),
        'a' => out.push_str(AM_PM[(f.hour / 12) as usize]),
        'H' => pad(out, f.hour, n),
        'k' => pad(out, if f.hour == 0 { 24 } else { f.hour }, n),
        'K' => pad(out, f.hour % 12, n),
        'h' => pad(out, if f.hour % 12 == 0 { 12 } else { f.hour % 12 }, n),
        'm' => pad(out, f.minute, n),
        's' => pad(out, f.second, n),
        'S' => pad(out, f.millis, n),
        'z' => out.push_str(if n >= 4 {
            "Coordinated Universal Time"
        } else {
            "UTC"
        }),
        'Z' => out.push_str("+0000"),
        'X' => out.push('Z'),
        _ => {}
    }
}

// ---------------------------------------------------------------- parsing

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// SimpleDateFormat's default century start: 80 years before now.
fn century_start_ms() -> i64 {
    let now = now_ms();
    let days = floor_div(now, MILLIS_PER_DAY);
    let tod = now.rem_euclid(MILLIS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    days_from_civil(y - 80, m - 1, d) * MILLIS_PER_DAY + tod
}

/// The calendar fields a parse sets (Java's `CalendarBuilder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    Era,
    Year,
    Month,
    WeekOfYear,
    WeekOfMonth,
    DayOfMonth,
    DayOfYear,
    DayOfWeek,
    DayOfWeekInMonth,
    AmPm,
    Hour,
    HourOfDay,
    Minute,
    Second,
    Millisecond,
    ZoneOffset,
    WeekYear,
}

const NF: usize = 17;
const SUNDAY: i64 = 1;

/// Field values with the order they were set in (`Calendar`'s stamps: 0 is unset).
#[derive(Debug, Clone, Default)]
struct Fields2 {
    vals: [i64; NF],
    stamps: [u32; NF],
    next: u32,
    ambiguous_year: bool,
}

impl Fields2 {
    fn set(&mut self, f: F, v: i64) {
        self.next += 1;
        self.stamps[f as usize] = self.next + 1;
        self.vals[f as usize] = v;
    }

    fn is_set(&self, f: F) -> bool {
        self.stamps[f as usize] != 0
    }

    fn stamp(&self, f: F) -> u32 {
        self.stamps[f as usize]
    }

    fn get(&self, f: F) -> i64 {
        self.vals[f as usize]
    }
}

/// DecimalFormat (integer only, no grouping) parsing from `pos` of `text[..end]`:
/// an optional '-' and ASCII digits. Returns the value (Java's `Number.intValue()`) and
/// the position after it.
fn parse_number(text: &[char], pos: usize, end: usize) -> Option<(i64, usize)> {
    let mut i = pos;
    let neg = i < end && text[i] == '-';
    if neg {
        i += 1;
    }
    let start = i;
    let mut value: i128 = 0;
    let mut overflow = false;
    while i < end && text[i].is_ascii_digit() {
        if !overflow {
            value = value * 10 + (text[i] as i128 - '0' as i128);
            if value > i64::MAX as i128 + 1 {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == start {
        return None;
    }
    let int_value = if overflow {
        // A Double: intValue() saturates.
        if neg {
            i32::MIN as i64
        } else {
            i32::MAX as i64
        }
    } else {
        let v = if neg { -value } else { value };
        if v > i64::MAX as i128 || v < i64::MIN as i128 {
            if neg {
                i32::MIN as i64
            } else {
                i32::MAX as i64
            }
        } else {
            // Long.intValue(): the low 32 bits.
            (v as i64) as i32 as i64
        }
    };
    Some((int_value, i))
}

fn match_strings(text: &[char], start: usize, options: &[&str]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (idx, opt) in options.iter().enumerate() {
        let o: Vec<char> = opt.chars().collect();
        if o.len() > best.map(|b| b.1).unwrap_or(0) && start + o.len() <= text.len() {
            let candidate = &text[start..start + o.len()];
            let eq = candidate
                .iter()
                .zip(&o)
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()));
            if eq {
                best = Some((idx, o.len()));
            }
        }
    }
    best.map(|(idx, len)| (idx, start + len))
}

fn numeric_zone(
    text: &[char],
    start: usize,
    sign: i64,
    count: usize,
    colon: bool,
) -> Option<(i64, usize)> {
    let at = |i: usize| text.get(i).copied();
    let mut i = start;
    let c = at(i)?;
    i += 1;
    if !c.is_ascii_digit() {
        return None;
    }
    let mut hours = c as i64 - '0' as i64;
    let c = at(i)?;
    i += 1;
    if c.is_ascii_digit() {
        hours = hours * 10 + (c as i64 - '0' as i64);
    } else {
        if count > 0 || !colon {
            return None;
        }
        i -= 1;
    }
    if hours > 23 {
        return None;
    }
    let mut minutes = 0;
    if count != 1 {
        let mut c = at(i)?;
        i += 1;
        if colon {
            if c != ':' {
                return None;
            }
            c = at(i)?;
            i += 1;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        minutes = c as i64 - '0' as i64;
        let c = at(i)?;
        i += 1;
        if !c.is_ascii_digit() {
            return None;
        }
        minutes = minutes * 10 + (c as i64 - '0' as i64);
        if minutes > 59 {
            return None;
        }
    }
    Some((sign * (hours * 60 + minutes) * 60_000, i))
}

/// SimpleDateFormat's `shouldObeyCount`: a numeric field right after another field makes
/// that one take exactly its width.
fn obeys_count(next: &Item) -> bool {
    match next {
        Item::Field(c, n) => match c {
            'M' | 'L' => *n <= 2,
            'y' | 'd' | 'k' | 'H' | 'm' | 's' | 'S' | 'D' | 'F' | 'w' | 'W' | 'h' | 'K' | 'Y'
            | 'u' => true,
            _ => false,
        },
        Item::Literal(_) => false,
    }
}

fn parse_with(fmt: &DateFormat, text: &str, century_start: i64) -> Option<i64> {
    let t: Vec<char> = text.chars().collect();
    let mut p = Fields2::default();
    let mut pos = 0usize;
    let n = fmt.items.len();
    for (idx, item) in fmt.items.iter().enumerate() {
        match item {
            Item::Literal(s) => {
                for c in s.chars() {
                    if pos >= t.len() || t[pos] != c {
                        return None;
                    }
                    pos += 1;
                }
            }
            Item::Field(c, count) => {
                let obey_count = idx + 1 < n && obeys_count(&fmt.items[idx + 1]);
                pos = parse_field(&t, pos, *c, *count, obey_count, &mut p, century_start)?;
            }
        }
    }
    if pos == 0 {
        return None;
    }
    let ms = establish(&p);
    if p.ambiguous_year && ms < century_start {
        // A two-digit year before the century start: 100 years later.
        let mut later = p.clone();
        later.vals[F::Year as usize] += 100;
        later.vals[F::WeekYear as usize] += 100;
        return Some(establish(&later));
    }
    Some(ms)
}

fn parse_field(
    t: &[char],
    start: usize,
    c: char,
    count: usize,
    obey_count: bool,
    p: &mut Fields2,
    century_start: i64,
) -> Option<usize> {
    let mut pos = start;
    // Leading blanks before a field are skipped; the end of the text fails.
    loop {
        if pos >= t.len() {
            return None;
        }
        if t[pos] != ' ' && t[pos] != '\t' {
            break;
        }
        pos += 1;
    }
    let actual_start = pos;
    let number = |pos: usize| -> Option<(i64, usize)> {
        // With obeyCount Java parses text.substring(0, start + count), `start` being
        // before the blanks.
        let end = if obey_count {
            if start + count > t.len() {
                return None;
            }
            start + count
        } else {
            t.len()
        };
        if pos > end {
            return None;
        }
        parse_number(t, pos, end)
    };
    match c {
        'G' => {
            let (idx, end) = match_strings(t, start, &ERAS)?;
            p.set(F::Era, idx as i64);
            Some(end)
        }
        'y' | 'Y' => {
            let (mut value, end) = number(pos)?;
            if count <= 2
                && end - actual_start == 2
                && t[actual_start].is_ascii_digit()
                && t[actual_start + 1].is_ascii_digit()
            {
                let cs_year = civil_from_days(floor_div(century_start, MILLIS_PER_DAY)).0;
                let ambiguous_two_digit = cs_year.rem_euclid(100);
                p.ambiguous_year = value == ambiguous_two_digit;
                value += (cs_year / 100) * 100 + if value < ambiguous_two_digit { 100 } else { 0 };
            }
            p.set(if c == 'y' { F::Year } else { F::WeekYear }, value);
            Some(end)
        }
        'M' | 'L' => {
            if count <= 2 {
                let (value, end) = number(pos)?;
                p.set(F::Month, value - 1);
                return Some(end);
            }
            let (idx, end) = match_strings(t, start, &MONTHS)
                .or_else(|| match_strings(t, start, &SHORT_MONTHS))?;
            p.set(F::Month, idx as i64);
            Some(end)
        }
        'k' => {
            let (mut value, end) = number(pos)?;
            if value == 24 {
                value = 0;
            }
            p.set(F::HourOfDay, value);
            Some(end)
        }
        'h' => {
            let (mut value, end) = number(pos)?;
            if value == 12 {
                value = 0;
            }
            p.set(F::Hour, value);
            Some(end)
        }
        'E' => {
            let (idx, end) = match_strings(t, start, &WEEKDAYS)
                .or_else(|| match_strings(t, start, &SHORT_WEEKDAYS))?;
            p.set(F::DayOfWeek, idx as i64 + 1);
            Some(end)
        }
        'a' => {
            let (idx, end) = match_strings(t, start, &AM_PM)?;
            p.set(F::AmPm, idx as i64);
            Some(end)
        }
        'z' | 'Z' => {
            let ch = *t.get(pos)?;
            let sign = match ch {
                '+' => 1,
                '-' => -1,
                _ => 0,
            };
            if sign != 0 {
                let (off, end) = numeric_zone(t, pos + 1, sign, 0, false)?;
                p.set(F::ZoneOffset, off);
                return Some(end);
            }
            let region = |s: usize, word: &str| -> bool {
                let w: Vec<char> = word.chars().collect();
                s + w.len() <= t.len()
                    && t[s..s + w.len()]
                        .iter()
                        .zip(&w)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            };
            if (ch == 'G' || ch == 'g') && region(start, "GMT") {
                let mut i = start + 3;
                let sign = match t.get(i) {
                    Some('+') => 1,
                    Some('-') => -1,
                    _ => 0,
                };
                if sign == 0 {
                    p.set(F::ZoneOffset, 0);
                    return Some(i);
                }
                i += 1;
                let (off, end) = numeric_zone(t, i, sign, 0, true)?;
                p.set(F::ZoneOffset, off);
                return Some(end);
            }
            // Zone names: only UTC's are known here. A name leaves an offset parsed before
            // in place (UTC uses one name for standard and daylight time).
            for name in ["Coordinated Universal Time", "UTC"] {
                if region(pos, name) {
                    return Some(pos + name.chars().count());
                }
            }
            None
        }
        'X' => {
            let ch = *t.get(pos)?;
            if ch == 'Z' {
                p.set(F::ZoneOffset, 0);
                return Some(pos + 1);
            }
            let sign = match ch {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let (off, end) = numeric_zone(t, pos + 1, sign, count, count == 3)?;
            p.set(F::ZoneOffset, off);
            Some(end)
        }
        _ => {
            let (value, end) = number(pos)?;
            let (field, value) = match c {
                'd' => (F::DayOfMonth, value),
                'D' => (F::DayOfYear, value),
                'F' => (F::DayOfWeekInMonth, value),
                'w' => (F::WeekOfYear, value),
                'W' => (F::WeekOfMonth, value),
                'H' => (F::HourOfDay, value),
                'K' => (F::Hour, value),
                'm' => (F::Minute, value),
                's' => (F::Second, value),
                'S' => (F::Millisecond, value),
                // 'u': an ISO day of week, stored as Calendar's (Sunday = 1).
                _ => (F::DayOfWeek, iso_to_calendar_day(value)),
            };
            p.set(field, value);
            Some(end)
        }
    }
}

fn iso_to_calendar_day(iso: i64) -> i64 {
    if !(1..=7).contains(&iso) {
        iso
    } else if iso == 7 {
        SUNDAY
    } else {
        iso + 1
    }
}

/// `BaseCalendar.getDayOfWeekDateOnOrBefore` on epoch days.
fn on_or_before(days: i64, dow: i64) -> i64 {
    let fd = days + 719_163;
    let r = fd - (fd - (dow - 1)).rem_euclid(7);
    r - 719_163
}

const M_ERA: u32 = 1 << 0;
const M_MONTH: u32 = 1 << 1;
const M_DOM: u32 = 1 << 2;
const M_WOM: u32 = 1 << 3;
const M_DOWIM: u32 = 1 << 4;
const M_DOW: u32 = 1 << 5;
const M_DOY: u32 = 1 << 6;
const M_WOY: u32 = 1 << 7;
const M_HOD: u32 = 1 << 8;
const M_HOUR: u32 = 1 << 9;
const M_AMPM: u32 = 1 << 10;
const M_ZONE: u32 = 1 << 11;

fn aggregate(a: u32, b: u32) -> u32 {
    if a == 0 || b == 0 {
        0
    } else {
        a.max(b)
    }
}

/// `GregorianCalendar.selectFields()`.
fn select_fields(f: &Fields2) -> u32 {
    let mut mask = 0;
    if f.is_set(F::Era) {
        mask |= M_ERA;
    }
    let dow = f.stamp(F::DayOfWeek);
    let month = f.stamp(F::Month);
    let mut dom = f.stamp(F::DayOfMonth);
    let mut wom = aggregate(f.stamp(F::WeekOfMonth), dow);
    let mut dowim = aggregate(f.stamp(F::DayOfWeekInMonth), dow);
    let doy = f.stamp(F::DayOfYear);
    let mut woy = aggregate(f.stamp(F::WeekOfYear), dow);
    let mut best = dom.max(wom).max(dowim).max(doy).max(woy);
    if best == 0 {
        wom = f.stamp(F::WeekOfMonth);
        dowim = f.stamp(F::DayOfWeekInMonth).max(dow);
        woy = f.stamp(F::WeekOfYear);
        best = wom.max(dowim).max(woy);
        if best == 0 {
            dom = month;
            best = month;
        }
    }
    if best == dom
        || (best == wom && f.stamp(F::WeekOfMonth) >= f.stamp(F::WeekOfYear))
        || (best == dowim && f.stamp(F::DayOfWeekInMonth) >= f.stamp(F::WeekOfYear))
    {
        mask |= M_MONTH;
        if best == dom {
            mask |= M_DOM;
        } else {
            if dow != 0 {
                mask |= M_DOW;
            }
            if wom == dowim {
                if f.stamp(F::WeekOfMonth) >= f.stamp(F::DayOfWeekInMonth) {
                    mask |= M_WOM;
                } else {
                    mask |= M_DOWIM;
                }
            } else if best == wom {
                mask |= M_WOM;
            } else if f.stamp(F::DayOfWeekInMonth) != 0 {
                mask |= M_DOWIM;
            }
        }
    } else if best == doy {
        mask |= M_DOY;
    } else {
        if dow != 0 {
            mask |= M_DOW;
        }
        mask |= M_WOY;
    }
    let hod = f.stamp(F::HourOfDay);
    let hour = aggregate(f.stamp(F::Hour), f.stamp(F::AmPm));
    let mut best = hour.max(hod);
    if best == 0 {
        best = f.stamp(F::Hour).max(f.stamp(F::AmPm));
    }
    if best != 0 {
        if best == hod {
            mask |= M_HOD;
        } else {
            mask |= M_HOUR;
            if f.is_set(F::AmPm) {
                mask |= M_AMPM;
            }
        }
    }
    if f.is_set(F::ZoneOffset) {
        mask |= M_ZONE;
    }
    mask
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cal {
    Gregorian,
    Julian,
}

fn first_of_month(cal: Cal, year: i64, month0: i64) -> i64 {
    match cal {
        Cal::Gregorian => gregorian_days(year, month0 + 1, 1),
        Cal::Julian => julian_days(year, month0 + 1, 1),
    }
}

fn month_length(cal: Cal, year: i64, month0: i64) -> i64 {
    let next = if month0 == 11 {
        first_of_month(cal, year + 1, 0)
    } else {
        first_of_month(cal, year, month0 + 1)
    };
    next - first_of_month(cal, year, month0)
}

/// `GregorianCalendar.getFixedDate` (epoch days) for the selected date fields, in one
/// calendar system.
fn fixed_date_in(cal: Cal, f: &Fields2, mut year: i64, mask: u32) -> i64 {
    let mut month = 0;
    if mask & M_MONTH != 0 {
        month = f.get(F::Month);
        year += floor_div(month, 12);
        month = month.rem_euclid(12);
    }
    let mut fd = first_of_month(cal, year, month);
    if mask & M_MONTH != 0 {
        if mask & M_DOM != 0 {
            if f.is_set(F::DayOfMonth) {
                fd += f.get(F::DayOfMonth) - 1;
            }
        } else if mask & M_WOM != 0 {
            let mut first = on_or_before(fd + 6, SUNDAY);
            if first - fd >= 1 {
                first -= 7;
            }
            if mask & M_DOW != 0 {
                first = on_or_before(first + 6, f.get(F::DayOfWeek));
            }
            fd = first + 7 * (f.get(F::WeekOfMonth) - 1);
        } else {
            let dow = if mask & M_DOW != 0 {
                f.get(F::DayOfWeek)
            } else {
                SUNDAY
            };
            let dowim = if mask & M_DOWIM != 0 {
                f.get(F::DayOfWeekInMonth)
            } else {
                1
            };
            if dowim >= 0 {
                fd = on_or_before(fd + 7 * dowim - 1, dow);
            } else {
                let last = month_length(cal, year, month) + 7 * (dowim + 1);
                fd = on_or_before(fd + last - 1, dow);
            }
        }
    } else if mask & M_DOY != 0 {
        fd += f.get(F::DayOfYear) - 1;
    } else {
        let mut first = on_or_before(fd + 6, SUNDAY);
        if first - fd >= 1 {
            first -= 7;
        }
        if mask & M_DOW != 0 {
            let dow = f.get(F::DayOfWeek);
            if dow != SUNDAY {
                first = on_or_before(first + 6, dow);
            }
        }
        fd = first + 7 * (f.get(F::WeekOfYear) - 1);
    }
    fd
}

/// The fixed date as GregorianCalendar picks it between its two calendar systems.
fn fixed_date(f: &Fields2, year: i64, mask: u32) -> i64 {
    let g = || fixed_date_in(Cal::Gregorian, f, year, mask);
    let j = || fixed_date_in(Cal::Julian, f, year, mask);
    // Dates relative to the start of the year count from the Julian 1 January.
    let from_year_start = mask & (M_DOY | M_WOY) != 0;
    if year > 1582 {
        let gd = g();
        if gd >= GREGORIAN_CUTOVER_DAY {
            return gd;
        }
        j()
    } else if year < 1582 || from_year_start {
        j()
    } else {
        let gd = g();
        if gd >= GREGORIAN_CUTOVER_DAY {
            gd
        } else {
            j()
        }
    }
}

/// `GregorianCalendar.computeTime()` in UTC unless a zone was parsed.
fn compute(f: &Fields2) -> i64 {
    let mask = select_fields(f);
    let mut year = if f.is_set(F::Year) {
        f.get(F::Year)
    } else {
        1970
    };
    if f.is_set(F::Era) && f.get(F::Era) == 0 {
        year = 1 - year;
    }
    let mut tod = if mask & M_HOD != 0 {
        f.get(F::HourOfDay)
    } else {
        f.get(F::Hour)
            + if mask & M_AMPM != 0 {
                12 * f.get(F::AmPm)
            } else {
                0
            }
    };
    // Java computes in `long` and wraps silently on absurd field values; so do we.
    tod = tod
        .wrapping_mul(60)
        .wrapping_add(f.get(F::Minute))
        .wrapping_mul(60)
        .wrapping_add(f.get(F::Second))
        .wrapping_mul(1000)
        .wrapping_add(f.get(F::Millisecond));
    let days = floor_div(tod, MILLIS_PER_DAY).wrapping_add(fixed_date(f, year, mask));
    let tod = tod.rem_euclid(MILLIS_PER_DAY);
    let mut ms = days.wrapping_mul(MILLIS_PER_DAY).wrapping_add(tod);
    if mask & M_ZONE != 0 {
        ms = ms.wrapping_sub(f.get(F::ZoneOffset));
    }
    ms
}

/// `CalendarBuilder.establish(calendar).getTime()`, week dates included.
fn establish(f: &Fields2) -> i64 {
    let week_date = f.is_set(F::WeekYear) && f.stamp(F::WeekYear) > f.stamp(F::Year);
    if !week_date {
        return compute(f);
    }
    let mut woy = if f.is_set(F::WeekOfYear) {
        f.get(F::WeekOfYear)
    } else {
        1
    };
    let mut dow = if f.is_set(F::DayOfWeek) {
        f.get(F::DayOfWeek)
    } else {
        SUNDAY
    };
    if !(1..=7).contains(&dow) {
        if dow >= 8 {
            dow -= 1;
            woy += dow / 7;
            dow = dow % 7 + 1;
        } else {
            while dow <= 0 {
                dow += 7;
                woy -= 1;
            }
        }
        dow = iso_to_calendar_day(dow);
    }
    // GregorianCalendar.setWeekDate(weekYear, weekOfYear, dayOfWeek), in the era the
    // fields set so far give.
    let era_bc = civil_from_days(floor_div(compute(f), MILLIS_PER_DAY)).0 <= 0;
    let wy = f.get(F::WeekYear);
    let astro = if era_bc { 1 - wy } else { wy };
    let j1 = jan1(astro);
    let mut first = on_or_before(j1 + 6, SUNDAY);
    if first - j1 >= 1 {
        first -= 7;
    }
    let mut days = dow - SUNDAY;
    if days < 0 {
        days += 7;
    }
    days += 7 * (woy - 1);
    let (y, m, d) = civil_from_days(first + days);
    let mut g = f.clone();
    g.set(F::Era, if y <= 0 { 0 } else { 1 });
    g.set(F::Year, if y <= 0 { 1 - y } else { y });
    g.set(F::Month, m - 1);
    g.set(F::DayOfMonth, d);
    compute(&g)
}

// ---------------------------------------------------------------- Kafka Connect helpers

/// `Values.dateFormatFor(date).format(date)`: a time, a date or a timestamp in ISO 8601
/// depending on the value.
pub fn values_date_string(ms: i64) -> String {
    let pattern = if ms < MILLIS_PER_DAY {
        "HH:mm:ss.SSS'Z'"
    } else if ms % MILLIS_PER_DAY == 0 {
        "yyyy-MM-dd"
    } else {
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    };
    DateFormat::new(pattern)
        .map(|f| f.format(ms))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000, -141_428, -141_427, -1, 0, 1, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m - 1, d), days, "{days} -> {y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(-141_427), (1582, 10, 15));
        assert_eq!(civil_from_days(-141_428), (1582, 10, 4));
    }

    #[test]
    fn formats_like_java() {
        let f = DateFormat::new("yyyy-MM-dd'T'HH:mm:ss.SSSZ EEE MMM a h k K D G ''").unwrap();
        assert_eq!(
            f.format(1_700_000_000_123),
            "2023-11-14T22:13:20.123+0000 Tue Nov PM 10 22 10 318 AD '"
        );
        assert_eq!(DateFormat::new("yyyyMMdd").unwrap().format(0), "19700101");
        assert_eq!(DateFormat::new("yy").unwrap().format(0), "70");
        assert!(DateFormat::new("yyyy-bb").is_err());
        assert!(DateFormat::new("'abc").is_err());
    }

    #[test]
    fn parses_leniently() {
        let f = DateFormat::new("yyyy-MM-dd").unwrap();
        assert_eq!(f.parse("1970-01-02"), Some(MILLIS_PER_DAY));
        assert_eq!(
            f.parse("1970-01-32"),
            Some(32 * MILLIS_PER_DAY - MILLIS_PER_DAY)
        );
        assert_eq!(f.parse("1970-01-02 trailing"), Some(MILLIS_PER_DAY));
        assert_eq!(f.parse("1970/01/02"), None);
        let g = DateFormat::new("yyyyMMddHHmmss").unwrap();
        assert_eq!(g.parse("19700102000001"), Some(MILLIS_PER_DAY + 1000));
        let z = DateFormat::new("yyyy-MM-dd'T'HH:mm:ssXXX").unwrap();
        assert_eq!(z.parse("1970-01-01T01:00:00+01:00"), Some(0));
    }

    #[test]
    fn values_formats() {
        assert_eq!(values_date_string(1000), "00:00:01.000Z");
        assert_eq!(values_date_string(MILLIS_PER_DAY * 2), "1970-01-03");
        assert_eq!(
            values_date_string(MILLIS_PER_DAY * 2 + 5),
            "1970-01-03T00:00:00.005Z"
        );
    }
}
