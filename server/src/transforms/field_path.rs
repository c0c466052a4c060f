//! Kafka Connect's `SingleFieldPath` (KIP-821): `field.syntax.version` V1 is one top-level
//! field name; V2 is a dotted path where backticks quote names that hold dots
//! (`` `a.b`.c ``) and a backslash escapes a backtick.

use crate::data::{Field, Schema, SchemaType, Struct, Value};

use super::util::{data_err, field_value, map_get, require_map_or_null, require_struct_or_null};
use super::TransformError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldSyntaxVersion {
    V1,
    V2,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleFieldPath {
    steps: Vec<String>,
}

impl SingleFieldPath {
    /// Parses a path. The error is Kafka Connect's ConfigException message.
    pub fn new(path: &str, version: FieldSyntaxVersion) -> Result<SingleFieldPath, String> {
        match version {
            FieldSyntaxVersion::V1 => Ok(SingleFieldPath {
                steps: vec![path.to_string()],
            }),
            FieldSyntaxVersion::V2 => Ok(SingleFieldPath {
                steps: parse_v2(path)?,
            }),
        }
    }

    pub fn steps(&self) -> &[String] {
        &self.steps
    }

    fn last(&self) -> &str {
        &self.steps[self.steps.len() - 1]
    }

    fn init(&self) -> &[String] {
        &self.steps[..self.steps.len() - 1]
    }

    /// `fieldFrom(schema)`: the field at this path, if any.
    pub fn field_from<'a>(&self, schema: &'a Schema) -> Result<Option<&'a Field>, TransformError> {
        let mut current = schema;
        for step in self.init() {
            if current.schema_type != SchemaType::Struct {
                return Err(data_err("Cannot look up fields on non-struct type"));
            }
            match current.fields.iter().find(|f| f.name == *step) {
                Some(f) => current = &f.schema,
                None => return Ok(None),
            }
        }
        if current.schema_type != SchemaType::Struct {
            return Err(data_err("Cannot look up fields on non-struct type"));
        }
        Ok(current.fields.iter().find(|f| f.name == self.last()))
    }

    /// `valueFrom(struct, withDefault)`.
    pub fn value_from_struct(
        &self,
        s: &Struct,
        with_default: bool,
    ) -> Result<Value, TransformError> {
        let mut current: &Struct = s;
        for step in self.init() {
            let Some(i) = current.schema.field_index(step) else {
                return Ok(Value::Null);
            };
            let field_schema = &current.schema.fields[i].schema;
            let v = &current.values[i];
            let v = if v.is_null() {
                field_schema.default_value.as_ref().unwrap_or(v)
            } else {
                v
            };
            match require_struct_or_null(Some(field_schema), v, "nested field access")? {
                None => return Ok(Value::Null),
                Some(next) => current = next,
            }
        }
        match current.schema.field_index(self.last()) {
            Some(i) => Ok(field_value(current, i, with_default)),
            None => Ok(Value::Null),
        }
    }

    /// `valueFrom(map)` of a schemaless map.
    pub fn value_from_map(&self, m: &[(Value, Value)]) -> Result<Value, TransformError> {
        let mut current: &[(Value, Value)] = m;
        for step in self.init() {
            let v = map_get(current, step).unwrap_or(&Value::Null);
            match require_map_or_null(v, "nested field access")? {
                None => return Ok(Value::Null),
                Some(next) => current = next,
            }
        }
        Ok(map_get(current, self.last())
            .cloned()
            .unwrap_or(Value::Null))
    }
}

fn incomplete(path: &str, at: usize) -> String {
    format!(
        "Incomplete backtick pair in path: [{path}], consider adding a backslash before backtick at position {at} to escape it"
    )
}

fn parse_v2(path: &str) -> Result<Vec<String>, String> {
    // Works on UTF-16 positions like Java's String; paths are nearly always ASCII, and the
    // positions only appear in the error message.
    let p: Vec<char> = path.chars().collect();
    let mut steps = Vec::new();
    let mut idx: usize = 0;
    let find = |from: usize, c: char| -> Option<usize> { (from..p.len()).find(|&i| p[i] == c) };
    while idx < p.len() {
        if p[idx] != '`' {
            let start = idx;
            match find(idx, '.') {
                Some(dot) => {
                    steps.push(p[start..dot].iter().collect());
                    idx = dot + 1;
                }
                None => {
                    steps.push(p[start..].iter().collect());
                    break;
                }
            }
        } else {
            let backtick_at = idx;
            idx += 1;
            let mut field = String::new();
            let mut start = idx;
            loop {
                let Some(found) = find(idx, '`') else {
                    return Err(incomplete(path, backtick_at));
                };
                idx = found;
                let escaped = p[idx - 1] == '\\';
                if idx >= p.len() - 1 {
                    if escaped {
                        return Err(incomplete(path, backtick_at));
                    }
                    field.extend(&p[start..idx]);
                    steps.push(field);
                    idx += 1;
                    break;
                }
                if p[idx + 1] != '.' {
                    idx += 1;
                    continue;
                }
                if escaped {
                    field.extend(&p[start..idx - 1]);
                    field.push('`');
                    idx += 1;
                    start = idx;
                    continue;
                }
                field.extend(&p[start..idx]);
                steps.push(field);
                idx += 2;
                break;
            }
        }
    }
    if !p.is_empty() && p[p.len() - 1] == '.' {
        steps.push(String::new());
    }
    if steps.is_empty() {
        // An empty path is one empty step.
        steps.push(String::new());
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(p: &str) -> Vec<String> {
        SingleFieldPath::new(p, FieldSyntaxVersion::V2)
            .unwrap()
            .steps
    }

    #[test]
    fn v2_paths() {
        assert_eq!(steps("a.b.c"), vec!["a", "b", "c"]);
        assert_eq!(steps("`a.b`.c"), vec!["a.b", "c"]);
        assert_eq!(steps("a."), vec!["a", ""]);
        assert_eq!(steps("`a\\`.b`"), vec!["a`.b"]);
        assert!(SingleFieldPath::new("`a.b", FieldSyntaxVersion::V2).is_err());
    }
}
