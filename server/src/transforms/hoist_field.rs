//! HoistField (`$Key` / `$Value`): wraps the key or value in a struct (or map) with one
//! field.

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::converter::java::JavaHashMap;
use crate::data::Value;

pub struct HoistField {
    side: Side,
    field: String,
    cache: SchemaCache,
}

impl HoistField {
    pub fn configure(side: Side, s: &mut Settings) -> Option<HoistField> {
        let field = s.string("field", Default::Required)?;
        Some(HoistField {
            side,
            field,
            cache: SchemaCache::default(),
        })
    }
}

impl Transformation for HoistField {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        match side.schema(&r).cloned() {
            None => {
                let mut m = JavaHashMap::new();
                m.put(Value::String(self.field.clone()), side.value(&r).clone());
                side.set(&mut r, None, Value::Map(m.into_entries()));
            }
            Some(schema) => {
                let updated = self.cache.get_or_build(&schema, || {
                    let mut b = SchemaBuilder::struct_();
                    b.field(&self.field, schema.clone())?;
                    Ok(b.build())
                })?;
                let mut s = StructBuilder::new(updated.clone());
                let v = std::mem::replace(
                    match side {
                        Side::Key => &mut r.key,
                        Side::Value => &mut r.value,
                    },
                    Value::Null,
                );
                s.put_index(0, v)?;
                side.set(&mut r, Some(updated), Value::Struct(s.build()));
            }
        }
        Ok(Some(r))
    }
}
