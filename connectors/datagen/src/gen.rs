//! The presets: schemas (built once, so the SDK sends each once per stream) and values
//! computed from (seed, iteration) alone.

use std::sync::Arc;

use bytes::Bytes;
use polyconnect_sdk::{Schema, SourceRecord, Struct, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Users,
    Orders,
    Schemaless,
    String,
    Raw,
    Sequence,
}

impl Shape {
    pub fn parse(s: &str) -> Option<Shape> {
        Some(match s {
            "users" => Shape::Users,
            "orders" => Shape::Orders,
            "schemaless" => Shape::Schemaless,
            "string" => Shape::String,
            "raw" => Shape::Raw,
            "sequence" => Shape::Sequence,
            _ => return None,
        })
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Shape::Users => &[
                "id",
                "userid",
                "name",
                "gender",
                "regionid",
                "age",
                "balance",
                "registertime",
            ],
            Shape::Orders => &[
                "orderid",
                "orderdate",
                "ordertime",
                "itemid",
                "quantity",
                "price",
                "address",
            ],
            Shape::Schemaless => &["id", "userid", "pageid", "viewtime"],
            Shape::Sequence => &["task", "seq"],
            Shape::String | Shape::Raw => &[],
        }
    }

    /// `key.field` must name a top-level field (any name for string/raw).
    pub fn check_key_field(self, field: &str) -> Result<(), String> {
        if field.is_empty() || self.fields().is_empty() || self.fields().contains(&field) {
            Ok(())
        } else {
            Err(format!(
                "key.field '{field}' is not a field of this schema (fields: {})",
                self.fields().join(", ")
            ))
        }
    }
}

/// SplitMix64: a tiny, well-mixed generator; one stream per record from (seed, task,
/// iteration). Task 0 mixes in nothing, so a single task's records stay what they were.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, task: u32, i: u64) -> Rng {
        Rng(seed
            ^ u64::from(task).wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ i.wrapping_mul(0xA24B_AED4_963E_E407))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus",
];
const GENDERS: &[&str] = &["FEMALE", "MALE", "OTHER"];
const CITIES: &[(&str, &str)] = &[
    ("Oslo", "OS"),
    ("Lyon", "AR"),
    ("Porto", "PO"),
    ("Graz", "ST"),
    ("Turku", "VS"),
];
/// 2024-01-01T00:00:00Z, so timestamps do not depend on when the generator runs.
const EPOCH_MS: i64 = 1_704_067_200_000;

pub struct Generator {
    shape: Shape,
    seed: u64,
    /// The task this generator runs in (0 for a single task).
    task: u32,
    pad: usize,
    key_field: Option<String>,
    value_schema: Option<Arc<Schema>>,
    address: Option<Arc<Schema>>,
    key_schema: Arc<Schema>,
}

impl Generator {
    pub fn new(shape: Shape, seed: u64, pad: usize, key_field: &str) -> Generator {
        let padded = |s: Schema| {
            if pad > 0 {
                s.field("padding", Schema::string())
            } else {
                s
            }
        };
        let address = Arc::new(
            Schema::structure("io.polyconnect.datagen.Address")
                .field("city", Schema::string())
                .field("state", Schema::string())
                .field("zipcode", Schema::int32()),
        );
        let value_schema = match shape {
            Shape::Users => Some(padded(
                Schema::structure("io.polyconnect.datagen.User")
                    .field("id", Schema::int64())
                    .field("userid", Schema::string())
                    .field("name", Schema::string())
                    .field("gender", Schema::string())
                    .field("regionid", Schema::string().optional())
                    .field("age", Schema::int32())
                    .field("balance", Schema::decimal(2))
                    .field("registertime", Schema::timestamp()),
            )),
            Shape::Orders => Some(padded(
                Schema::structure("io.polyconnect.datagen.Order")
                    .field("orderid", Schema::int64())
                    .field("orderdate", Schema::date())
                    .field("ordertime", Schema::time())
                    .field("itemid", Schema::string())
                    .field("quantity", Schema::int32())
                    .field("price", Schema::float64())
                    .field("address", (*address).clone()),
            )),
            Shape::Sequence => Some(padded(
                Schema::structure("io.polyconnect.datagen.Sequence")
                    .field("task", Schema::int32())
                    .field("seq", Schema::int64()),
            )),
            Shape::String => Some(Schema::string()),
            Shape::Schemaless | Shape::Raw => None,
        };
        Generator {
            shape,
            seed,
            task: 0,
            pad,
            key_field: Some(key_field.to_string()).filter(|k| !k.is_empty()),
            value_schema: value_schema.map(Arc::new),
            address: Some(address),
            key_schema: Arc::new(Schema::string()),
        }
    }

    /// The generator of task `task`: its records are its own (the task is mixed into the
    /// seed; task 0's are a single task's).
    pub fn for_task(mut self, task: u32) -> Generator {
        self.task = task;
        self
    }

    /// Record `i` (0-based) of this task for `topic`, without its source position.
    pub fn record(&self, topic: &str, i: u64) -> SourceRecord {
        let mut rng = Rng::new(self.seed, self.task, i);
        let r = SourceRecord::new(topic);
        match self.shape {
            Shape::Raw | Shape::String => {
                // The record number first, so a reader can check order and gaps.
                let mut v = format!("{i:010}").into_bytes();
                let size = self.pad.max(v.len());
                let fill = self.padding(&mut rng, size - v.len());
                v.extend_from_slice(fill.as_bytes());
                let r = if self.shape == Shape::Raw {
                    r.raw_value(Bytes::from(v))
                } else {
                    r.value(
                        self.value_schema.clone(),
                        String::from_utf8(v).expect("ascii"),
                    )
                };
                match &self.key_field {
                    Some(_) if self.shape == Shape::Raw => r.raw_key(Bytes::from(i.to_string())),
                    Some(_) => r.key(Some(self.key_schema.clone()), i.to_string()),
                    None => r,
                }
            }
            Shape::Schemaless => {
                let mut entries = vec![
                    ("id", Value::Int64(i as i64)),
                    ("userid", format!("User_{}", rng.below(100)).into()),
                    ("pageid", format!("Page_{}", rng.below(1000)).into()),
                    ("viewtime", Value::Int64(EPOCH_MS + i as i64 * 1000)),
                ];
                if self.pad > 0 {
                    entries.push(("padding", self.padding(&mut rng, self.pad).into()));
                }
                let v = Value::map(entries);
                self.keyed(r, &v).value(None, v)
            }
            Shape::Sequence => {
                let schema = self.value_schema.clone().expect("struct schema");
                let s = Struct::new(schema.clone())
                    .put("task", self.task as i32)
                    .put("seq", i as i64);
                let s = if self.pad > 0 {
                    s.put("padding", self.padding(&mut rng, self.pad))
                } else {
                    s
                };
                let v = Value::Struct(s);
                self.keyed(r, &v).value(Some(schema), v)
            }
            Shape::Users | Shape::Orders => {
                let schema = self.value_schema.clone().expect("struct schema");
                let s = if self.shape == Shape::Users {
                    let cents = rng.below(10_000_000) as i64;
                    Struct::new(schema.clone())
                        .put("id", i as i64)
                        .put("userid", format!("User_{}", rng.below(1000)))
                        .put("name", rng.pick(NAMES))
                        .put("gender", rng.pick(GENDERS))
                        .put(
                            "regionid",
                            if rng.below(10) == 0 {
                                Value::Null
                            } else {
                                format!("Region_{}", rng.below(10)).into()
                            },
                        )
                        .put("age", 18 + rng.below(70) as i32)
                        .put("balance", Value::Bytes(unscaled(cents)))
                        .put(
                            "registertime",
                            EPOCH_MS + rng.below(365 * 86_400_000) as i64,
                        )
                } else {
                    let (city, state) = CITIES[rng.below(CITIES.len() as u64) as usize];
                    let address = Struct::new(self.address.clone().expect("address"))
                        .put("city", city)
                        .put("state", state)
                        .put("zipcode", 10_000 + rng.below(90_000) as i32);
                    Struct::new(schema.clone())
                        .put("orderid", i as i64)
                        .put("orderdate", 19_723 + rng.below(365) as i32)
                        .put("ordertime", rng.below(86_400_000) as i32)
                        .put("itemid", format!("Item_{}", rng.below(500)))
                        .put("quantity", 1 + rng.below(9) as i32)
                        .put("price", (rng.below(100_000) as f64) / 100.0)
                        .put("address", address)
                };
                let s = if self.pad > 0 {
                    s.put("padding", self.padding(&mut rng, self.pad))
                } else {
                    s
                };
                let v = Value::Struct(s);
                self.keyed(r, &v).value(Some(schema), v)
            }
        }
    }

    fn keyed(&self, r: SourceRecord, v: &Value) -> SourceRecord {
        match self.key_field.as_deref().and_then(|f| v.get(f)) {
            Some(Value::String(s)) => r.key(Some(self.key_schema.clone()), s.clone()),
            Some(other) => r.key(None, other.clone()),
            None => r,
        }
    }

    /// `len` letters: 16 random ones, repeated (cheap at any size, still seed-dependent).
    fn padding(&self, rng: &mut Rng, len: usize) -> String {
        let unit: Vec<u8> = (0..16).map(|_| b'a' + rng.below(26) as u8).collect();
        unit.iter().cycle().take(len).map(|&b| b as char).collect()
    }
}

/// A Decimal's unscaled value: minimal two's-complement big-endian bytes.
fn unscaled(v: i64) -> Bytes {
    let b = v.to_be_bytes();
    let mut start = 0;
    while start < 7
        && ((b[start] == 0 && b[start + 1] & 0x80 == 0)
            || (b[start] == 0xff && b[start + 1] & 0x80 != 0))
    {
        start += 1;
    }
    Bytes::copy_from_slice(&b[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_records() {
        for shape in [
            Shape::Users,
            Shape::Orders,
            Shape::Schemaless,
            Shape::String,
            Shape::Raw,
            Shape::Sequence,
        ] {
            let a = Generator::new(shape, 7, 16, "");
            let b = Generator::new(shape, 7, 16, "");
            let c = Generator::new(shape, 8, 16, "");
            assert_eq!(a.record("t", 41), b.record("t", 41), "{shape:?}");
            assert_ne!(a.record("t", 41), c.record("t", 41), "{shape:?}");
            assert_ne!(a.record("t", 41), a.record("t", 42), "{shape:?}");
        }
    }

    #[test]
    fn keys_and_decimals() {
        let g = Generator::new(Shape::Users, 1, 0, "userid");
        let r = g.record("t", 3);
        assert!(
            matches!(&r.key, Some(polyconnect_sdk::Data::Structured { value: Value::String(s), .. }) if s.starts_with("User_"))
        );
        assert_eq!(&unscaled(1)[..], &[1]);
        assert_eq!(&unscaled(-1)[..], &[0xff]);
        assert_eq!(&unscaled(128)[..], &[0, 128]);
        assert!(Shape::Users.check_key_field("nope").is_err());
        let raw = Generator::new(Shape::Raw, 1, 100, "");
        match raw.record("t", 12).value {
            Some(polyconnect_sdk::Data::Raw(b)) => {
                assert_eq!(b.len(), 100);
                assert_eq!(&b[..10], b"0000000012");
            }
            other => panic!("{other:?}"),
        }
    }
}
