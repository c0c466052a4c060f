//! ExtractField (`$Key` / `$Value`): replaces the key or value with one of its fields, a
//! nested one with `field.syntax.version=V2`.

use super::config::{Default, Settings};
use super::field_path::{FieldSyntaxVersion, SingleFieldPath};
use super::record::ConnectRecord;
use super::util::*;
use super::{TransformError, Transformation};
use crate::data::Value;

const PURPOSE: &str = "field extraction";

pub struct ExtractField {
    side: Side,
    original: String,
    path: SingleFieldPath,
    replace_null_with_default: bool,
}

/// Reads `field.syntax.version` (V1 or V2, case-insensitive).
pub(crate) fn syntax_version(s: &mut Settings) -> Option<FieldSyntaxVersion> {
    let v = s.string("field.syntax.version", Default::Value("V1"))?;
    match v.to_ascii_uppercase().as_str() {
        "V1" => Some(FieldSyntaxVersion::V1),
        "V2" => Some(FieldSyntaxVersion::V2),
        _ => {
            s.invalid(
                "field.syntax.version",
                &v,
                "String must be one of (case insensitive): V1, V2",
            );
            None
        }
    }
}

impl ExtractField {
    pub fn configure(side: Side, s: &mut Settings) -> Option<ExtractField> {
        let field = s.string("field", Default::Required);
        let replace_null_with_default = s.boolean("replace.null.with.default", true);
        let version = syntax_version(s);
        let (field, version) = (field?, version?);
        match SingleFieldPath::new(&field, version) {
            Ok(path) => Some(ExtractField {
                side,
                original: field,
                path,
                replace_null_with_default,
            }),
            Err(e) => {
                s.error("field", e);
                None
            }
        }
    }
}

impl Transformation for ExtractField {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let side = self.side;
        match side.schema(&r).cloned() {
            None => {
                let v = match require_map_or_null(side.value(&r), PURPOSE)? {
                    None => Value::Null,
                    Some(m) => self.path.value_from_map(m)?,
                };
                side.set(&mut r, None, v);
            }
            Some(schema) => {
                let value = require_struct_or_null(Some(&schema), side.value(&r), PURPOSE)?;
                let field = self.path.field_from(&schema)?.ok_or_else(|| {
                    TransformError::new(
                        ILLEGAL_ARGUMENT,
                        format!("Unknown field: {}", self.original),
                    )
                })?;
                let field_schema = field.schema.clone();
                let v = match value {
                    None => Value::Null,
                    Some(s) => self
                        .path
                        .value_from_struct(s, self.replace_null_with_default)?,
                };
                side.set(&mut r, Some(field_schema), v);
            }
        }
        Ok(Some(r))
    }
}
