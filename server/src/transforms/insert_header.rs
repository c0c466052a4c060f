//! InsertHeader: adds a header whose value is a literal, parsed as Kafka Connect's
//! `Values.parseString` does (so `42` is an int8, `true` a boolean, `[1,2]` an array).

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::{TransformError, Transformation};
use crate::converter::values::parse_string;
use crate::data::{Header, SchemaAndValue};

pub struct InsertHeader {
    header: String,
    literal: SchemaAndValue,
}

impl InsertHeader {
    pub fn configure(s: &mut Settings) -> Option<InsertHeader> {
        let header = s.string("header", Default::Required);
        let literal = s.string("value.literal", Default::Required);
        let (header, literal) = (header?, literal?);
        let literal = parse_string(&literal)
            .unwrap_or_else(|_| SchemaAndValue::new(None, crate::data::Value::String(literal)));
        Some(InsertHeader { header, literal })
    }
}

impl Transformation for InsertHeader {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        r.headers.push(Header {
            key: self.header.clone(),
            schema: self.literal.schema.clone(),
            value: self.literal.value.clone(),
        });
        Ok(Some(r))
    }
}
