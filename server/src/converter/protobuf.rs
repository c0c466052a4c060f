//! Confluent's `io.confluent.connect.protobuf.ProtobufConverter`: Kafka Connect data as
//! Protobuf in Confluent's wire format (magic byte 0, the 4-byte big-endian schema id, the
//! message indexes as zigzag varints, `[0]` written as the single byte 0, then the message),
//! its schemas registered in a Schema Registry (`registry.rs`) as proto3 text.
//!
//! The mapping is Confluent's `ProtobufData`: a message per struct (nested in the message of
//! its parent), enums, oneofs as `io.confluent.connect.protobuf.Union.*` structs, maps as
//! repeated `…Entry` messages, and the logical types as `confluent.type.Decimal`,
//! `google.type.Date`, `google.type.TimeOfDay` and `google.protobuf.Timestamp`. Registered
//! schemas are parsed with `protox` (text, or the base64 `FileDescriptorProto` Confluent's
//! Python and Go serializers register) and values are encoded and decoded as
//! `prost-reflect` dynamic messages (ADR 0017).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use bytes::Bytes;
use num_bigint::BigInt;
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor,
    ReflectMessage, Value as PValue,
};

use super::registered::{bool_setting, RegisteredConverter, SchemaFormat};
use crate::data::{
    minimal_twos_complement, DataError, Field, Schema, SchemaType, Struct, Value, DATE, DECIMAL,
    DECIMAL_SCALE, TIME, TIMESTAMP,
};

pub const NAMESPACE: &str = "io.confluent.connect.protobuf";
pub const ENUM_PARAM: &str = "io.confluent.connect.protobuf.Enum";
pub const UNION_PREFIX: &str = "io.confluent.connect.protobuf.Union.";
pub const TAG_PARAM: &str = "io.confluent.connect.protobuf.Tag";
pub const TYPE_PARAM: &str = "io.confluent.connect.protobuf.Type";
pub const WRAPPER_PARAM: &str = "io.confluent.connect.protobuf.Wrapper";
pub const CONNECT_PRECISION: &str = "connect.decimal.precision";
const DEFAULT_NAME: &str = "ConnectDefault";
const DECIMAL_TYPE: &str = "confluent.type.Decimal";
const DATE_TYPE: &str = "google.type.Date";
const TIME_TYPE: &str = "google.type.TimeOfDay";
const TIMESTAMP_TYPE: &str = "google.protobuf.Timestamp";
const META_FILE: &str = "confluent/meta.proto";
/// The messages of `google/protobuf/wrappers.proto`, in its order: a Connect schema of a
/// primitive type is written as one of them, its schema the whole file (as ProtobufData
/// does), its message indexes the message's place in it.
const WRAPPERS: &[&str] = &[
    "DoubleValue",
    "FloatValue",
    "Int64Value",
    "UInt64Value",
    "Int32Value",
    "UInt32Value",
    "BoolValue",
    "StringValue",
    "BytesValue",
];
const WRAPPER_TYPES: &[&str] = &[
    "double", "float", "int64", "uint64", "int32", "uint32", "bool", "string", "bytes",
];
const MAIN_FILE: &str = "schema.proto";

/// The Confluent and Google types ProtobufData imports beside the well-known ones
/// (`google/protobuf/*`, which protox carries).
const EXTRA_FILES: &[(&str, &str)] = &[
    (
        "confluent/meta.proto",
        "syntax = \"proto3\";\npackage confluent;\nimport \"google/protobuf/descriptor.proto\";\n\
         message Meta {\n  string doc = 1;\n  map<string, string> params = 2;\n  repeated string tags = 3;\n}\n\
         extend google.protobuf.FileOptions { Meta file_meta = 1088; }\n\
         extend google.protobuf.MessageOptions { Meta message_meta = 1088; }\n\
         extend google.protobuf.FieldOptions { Meta field_meta = 1088; }\n\
         extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }\n\
         extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }\n",
    ),
    (
        "confluent/type/decimal.proto",
        "syntax = \"proto3\";\npackage confluent.type;\n\
         message Decimal {\n  bytes value = 1;\n  uint32 precision = 2;\n  int32 scale = 3;\n}\n",
    ),
    (
        "google/type/date.proto",
        "syntax = \"proto3\";\npackage google.type;\n\
         message Date {\n  int32 year = 1;\n  int32 month = 2;\n  int32 day = 3;\n}\n",
    ),
    (
        "google/type/timeofday.proto",
        "syntax = \"proto3\";\npackage google.type;\n\
         message TimeOfDay {\n  int32 hours = 1;\n  int32 minutes = 2;\n  int32 seconds = 3;\n  int32 nanos = 4;\n}\n",
    ),
];

/// ProtobufData's settings (ProtobufDataConfig), with Confluent's defaults.
#[derive(Debug, Clone)]
pub struct ProtobufDataConfig {
    pub enhanced_schema_support: bool,
    pub scrub_invalid_names: bool,
    pub int_for_enums: bool,
    pub optional_for_nullables: bool,
    pub optional_for_proto2: bool,
    pub wrapper_for_nullables: bool,
    pub wrapper_for_raw_primitives: bool,
    pub generate_struct_for_nulls: bool,
    pub generate_index_for_unions: bool,
    pub flatten_unions: bool,
}

impl Default for ProtobufDataConfig {
    fn default() -> Self {
        ProtobufDataConfig {
            enhanced_schema_support: false,
            scrub_invalid_names: false,
            int_for_enums: false,
            optional_for_nullables: false,
            optional_for_proto2: true,
            wrapper_for_nullables: false,
            wrapper_for_raw_primitives: true,
            generate_struct_for_nulls: false,
            generate_index_for_unions: true,
            flatten_unions: false,
        }
    }
}

impl ProtobufDataConfig {
    pub fn parse(settings: &BTreeMap<String, String>) -> Result<ProtobufDataConfig, String> {
        let d = ProtobufDataConfig::default();
        Ok(ProtobufDataConfig {
            enhanced_schema_support: bool_setting(
                settings,
                "enhanced.protobuf.schema.support",
                d.enhanced_schema_support,
            )?,
            scrub_invalid_names: bool_setting(
                settings,
                "scrub.invalid.names",
                d.scrub_invalid_names,
            )?,
            int_for_enums: bool_setting(settings, "int.for.enums", d.int_for_enums)?,
            optional_for_nullables: bool_setting(
                settings,
                "optional.for.nullables",
                d.optional_for_nullables,
            )?,
            optional_for_proto2: bool_setting(
                settings,
                "optional.for.proto2",
                d.optional_for_proto2,
            )?,
            wrapper_for_nullables: bool_setting(
                settings,
                "wrapper.for.nullables",
                d.wrapper_for_nullables,
            )?,
            wrapper_for_raw_primitives: bool_setting(
                settings,
                "wrapper.for.raw.primitives",
                d.wrapper_for_raw_primitives,
            )?,
            generate_struct_for_nulls: bool_setting(
                settings,
                "generate.struct.for.nulls",
                d.generate_struct_for_nulls,
            )?,
            generate_index_for_unions: bool_setting(
                settings,
                "generate.index.for.unions",
                d.generate_index_for_unions,
            )?,
            flatten_unions: bool_setting(settings, "flatten.unions", d.flatten_unions)?,
        })
    }
}

/// A Protobuf schema: its registered text, its compiled files and the message the
/// Connect schema names (the first of the file when read by id).
pub struct ProtoSchema {
    /// The name of the schema's own file (`schema.proto` for text).
    main: String,
    text: String,
    file: prost_types::FileDescriptorProto,
    pool: DescriptorPool,
    root: MessageDescriptor,
    /// Where `root` is in the file: the message indexes written before each message.
    root_indexes: Vec<i32>,
    /// The registry version the Connect schema of `root` carries.
    version: OnceLock<Option<i32>>,
    /// Connect schemas of the other messages, read by message indexes.
    others: Mutex<Vec<(Vec<i32>, Arc<Schema>)>>,
}

impl PartialEq for ProtoSchema {
    fn eq(&self, other: &Self) -> bool {
        let strip = |f: &prost_types::FileDescriptorProto| {
            let mut f = f.clone();
            f.source_code_info = None;
            f.name = None;
            f
        };
        strip(&self.file) == strip(&other.file) && self.root.full_name() == other.root.full_name()
    }
}

impl std::fmt::Debug for ProtoSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl ProtoSchema {
    /// The registered text.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &MessageDescriptor {
        &self.root
    }

    /// The compiled files (imports first) as an encoded `FileDescriptorSet`: what other
    /// Protobuf libraries build their message types from (tests).
    pub fn descriptor_set(&self) -> Vec<u8> {
        self.pool.encode_to_vec()
    }

    /// Parses a registered schema: proto text, or a base64 `FileDescriptorProto`.
    pub fn parse(text: &str) -> Result<ProtoSchema, DataError> {
        Self::parse_with_references(text, &[])
    }

    /// Parses a registered schema whose imports include `references`: the import names
    /// and the texts (or base64 descriptors) registered for them.
    pub fn parse_with_references(
        text: &str,
        references: &[(String, String)],
    ) -> Result<ProtoSchema, DataError> {
        let main = Self::file(MAIN_FILE, text)?;
        let mut refs = Vec::with_capacity(references.len());
        for (name, t) in references {
            refs.push((name.clone(), Self::file(name, t)?));
        }
        compile(main, text, refs)
    }

    fn file(name: &str, text: &str) -> Result<protox::file::File, DataError> {
        // Base64 has no spaces, braces or semicolons; proto text has them all.
        let looks_text = text
            .trim()
            .contains(|c: char| c.is_whitespace() || c == '{' || c == ';');
        if looks_text {
            return protox::file::File::from_source(name, text)
                .map_err(|e| DataError::new(format!("Invalid Protobuf schema: {e}")));
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| {
                DataError::new(
                    "Invalid Protobuf schema: neither proto text nor a base64 descriptor",
                )
            })?;
        // Decoded by protox to keep the extension options (confluent.field_meta).
        protox::file::File::decode_file_descriptor_proto(raw.as_slice())
            .map_err(|e| DataError::new(format!("Invalid Protobuf schema descriptor: {e}")))
    }

    /// The message indexes of the message named `full_name` in the schema's own file.
    pub fn indexes_of(&self, full_name: &str) -> Option<Vec<i32>> {
        fn walk(
            msgs: impl Iterator<Item = MessageDescriptor>,
            full_name: &str,
            path: &mut Vec<i32>,
        ) -> bool {
            for (i, m) in msgs.enumerate() {
                path.push(i as i32);
                if m.full_name() == full_name || walk(m.child_messages(), full_name, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let file = self.pool.get_file_by_name(&self.main)?;
        let mut path = Vec::new();
        walk(file.messages(), full_name, &mut path).then_some(path)
    }

    /// The message that message indexes name in the schema's own file.
    pub fn message_at(&self, indexes: &[i32]) -> Result<MessageDescriptor, DataError> {
        let file = self
            .pool
            .get_file_by_name(&self.main)
            .ok_or_else(|| DataError::new("Protobuf schema without its file"))?;
        let bad = || DataError::new(format!("Invalid message indexes: {indexes:?}"));
        let mut it = indexes.iter();
        let first = *it.next().ok_or_else(bad)?;
        let mut msg = file
            .messages()
            .nth(usize::try_from(first).map_err(|_| bad())?)
            .ok_or_else(bad)?;
        for i in it {
            let next = msg
                .child_messages()
                .nth(usize::try_from(*i).map_err(|_| bad())?)
                .ok_or_else(bad)?;
            msg = next;
        }
        Ok(msg)
    }
}

struct Resolver {
    name: String,
    main: Mutex<Option<protox::file::File>>,
    /// Referenced schemas, by their import names.
    refs: Mutex<Vec<(String, protox::file::File)>>,
    google: protox::file::GoogleFileResolver,
}

impl protox::file::FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<protox::file::File, protox::Error> {
        if name == self.name {
            if let Some(f) = self.main.lock().unwrap_or_else(|e| e.into_inner()).take() {
                return Ok(f);
            }
        }
        {
            let mut refs = self.refs.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(i) = refs.iter().position(|(n, _)| n == name) {
                return Ok(refs.remove(i).1);
            }
        }
        if let Some((_, src)) = EXTRA_FILES.iter().find(|(n, _)| *n == name) {
            return protox::file::File::from_source(name, src);
        }
        self.google.open_file(name)
    }
}

fn compile(
    main: protox::file::File,
    text: &str,
    refs: Vec<(String, protox::file::File)>,
) -> Result<ProtoSchema, DataError> {
    let name = match main.name() {
        "" => MAIN_FILE.to_string(),
        n => n.to_string(),
    };
    let mut compiler = protox::Compiler::with_file_resolver(Resolver {
        name: name.clone(),
        main: Mutex::new(Some(main)),
        refs: Mutex::new(refs),
        google: protox::file::GoogleFileResolver::new(),
    });
    compiler.include_imports(true);
    compiler
        .open_file(&name)
        .map_err(|e| DataError::new(format!("Invalid Protobuf schema: {e}")))?;
    let pool = compiler.descriptor_pool();
    let fdesc = pool
        .get_file_by_name(&name)
        .ok_or_else(|| DataError::new("Invalid Protobuf schema: no file"))?;
    let root = fdesc
        .messages()
        .next()
        .ok_or_else(|| DataError::new("Invalid Protobuf schema: no message"))?;
    Ok(ProtoSchema {
        main: name,
        text: text.to_string(),
        file: fdesc.file_descriptor_proto().clone(),
        pool,
        root,
        root_indexes: vec![0],
        version: OnceLock::new(),
        others: Mutex::new(Vec::new()),
    })
}

/// Confluent's message indexes: zigzag varints, `[0]` as the single byte 0.
pub fn write_indexes(indexes: &[i32], out: &mut Vec<u8>) {
    if indexes == [0] {
        out.push(0);
        return;
    }
    write_zigzag(indexes.len() as i32, out);
    for i in indexes {
        write_zigzag(*i, out);
    }
}

fn write_zigzag(v: i32, out: &mut Vec<u8>) {
    let mut z = ((v << 1) ^ (v >> 31)) as u32;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn read_zigzag(b: &[u8], pos: &mut usize) -> Result<i32, DataError> {
    let mut result: u32 = 0;
    let mut shift = 0;
    loop {
        let byte = *b
            .get(*pos)
            .ok_or_else(|| DataError::new("Invalid message indexes: truncated"))?;
        *pos += 1;
        if shift >= 32 {
            return Err(DataError::new("Invalid message indexes: varint too long"));
        }
        result |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    Ok(((result >> 1) as i32) ^ -((result & 1) as i32))
}

/// Reads the message indexes; returns them and where the message starts.
pub fn read_indexes(b: &[u8]) -> Result<(Vec<i32>, usize), DataError> {
    let mut pos = 0;
    let n = read_zigzag(b, &mut pos)?;
    if n == 0 {
        return Ok((vec![0], pos));
    }
    if !(0..=1024).contains(&n) {
        return Err(DataError::new(format!(
            "Invalid message indexes count: {n}"
        )));
    }
    let mut v = Vec::with_capacity(n as usize);
    for _ in 0..n {
        v.push(read_zigzag(b, &mut pos)?);
    }
    Ok((v, pos))
}

// ---- Connect schema -> proto text -------------------------------------------------------

struct FieldDef {
    label: Option<&'static str>,
    ty: String,
    name: String,
    tag: i32,
    params: Vec<(String, String)>,
}

enum Item {
    Field(FieldDef),
    Oneof(String, Vec<FieldDef>),
}

#[derive(Default)]
struct MsgDef {
    name: String,
    items: Vec<Item>,
    nested: Vec<MsgDef>,
    enums: Vec<(String, Vec<(String, i32)>)>,
}

struct FromCtx {
    names: u32,
    imports: BTreeSet<&'static str>,
}

/// Confluent's ProtobufData: Kafka Connect schemas and values to and from Protobuf.
pub struct ProtobufData {
    pub config: ProtobufDataConfig,
}

fn is_union(s: &Schema) -> bool {
    s.schema_type == SchemaType::Struct
        && s.name
            .as_deref()
            .is_some_and(|n| n.starts_with(UNION_PREFIX))
}

fn quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn to_map_entry(s: &str) -> String {
    let camel = if s.contains('_') {
        s.split('_')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let lower = p.to_ascii_lowercase();
                let mut c = lower.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    } else {
        s.to_string()
    };
    camel + "Entry"
}

fn to_map_field(s: &str) -> String {
    let mut parts: Vec<String> = s.split('.').map(str::to_string).collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix("Entry") {
            let mut o = String::new();
            for (i, c) in stem.chars().enumerate() {
                if c.is_ascii_uppercase() {
                    if i > 0 {
                        o.push('_');
                    }
                    o.push(c.to_ascii_lowercase());
                } else {
                    o.push(c);
                }
            }
            *last = o;
        }
    }
    parts.join(".")
}

fn scrub(name: &str) -> String {
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '_');
    if ok || name.is_empty() {
        return name.to_string();
    }
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            enc.push(b as char);
        } else {
            // As URL-encoded and then scrubbed: '-', '.', '*' stay one character and a space
            // becomes '+', one '_' each; any other byte is '%XX', three.
            enc.push('_');
            if !matches!(b, b' ' | b'-' | b'.' | b'*') {
                enc.push_str("__");
            }
        }
    }
    if enc.starts_with(|c: char| c.is_ascii_digit() || c == '_') {
        enc.insert(0, 'x');
    }
    enc
}

impl ProtobufData {
    /// The name as written (scrubbed only with `scrub.invalid.names`), without a copy.
    fn scrubbed<'a>(&self, name: &'a str) -> std::borrow::Cow<'a, str> {
        if self.config.scrub_invalid_names {
            std::borrow::Cow::Owned(scrub(name))
        } else {
            std::borrow::Cow::Borrowed(name)
        }
    }

    fn scrub(&self, name: &str) -> String {
        if self.config.scrub_invalid_names {
            scrub(name)
        } else {
            name.to_string()
        }
    }

    fn name_or_default(ctx: &mut FromCtx, name: Option<&str>) -> String {
        match name {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => {
                ctx.names += 1;
                format!("{DEFAULT_NAME}{}", ctx.names)
            }
        }
    }

    fn unqualified(&self, ctx: &mut FromCtx, name: Option<&str>) -> String {
        let full = Self::name_or_default(ctx, name);
        self.scrub(full.rsplit('.').next().unwrap_or(&full))
    }

    fn split_name(&self, full: &str) -> (Option<String>, String) {
        let parts: Vec<String> = full.split('.').map(|p| self.scrub(p)).collect();
        if parts.len() <= 1 {
            (None, parts.into_iter().next().unwrap_or_default())
        } else {
            let name = parts[parts.len() - 1].clone();
            (Some(parts[..parts.len() - 1].join(".")), name)
        }
    }

    /// The proto3 text ProtobufData registers for a Connect schema.
    pub fn from_connect_schema(&self, s: &Schema) -> Result<ProtoSchema, DataError> {
        let wrapper = match s.schema_type {
            SchemaType::Struct => None,
            SchemaType::Int8 | SchemaType::Int16 | SchemaType::Int32 => Some("Int32Value"),
            SchemaType::Int64 => Some("Int64Value"),
            SchemaType::Float32 => Some("FloatValue"),
            SchemaType::Float64 => Some("DoubleValue"),
            SchemaType::Boolean => Some("BoolValue"),
            SchemaType::String => Some("StringValue"),
            SchemaType::Bytes => Some("BytesValue"),
            SchemaType::Array | SchemaType::Map => {
                return Err(DataError::new(format!(
                    "Unsupported root schema of type {}",
                    s.schema_type.connect_name()
                )))
            }
        };
        if let Some(w) = wrapper {
            let mut text = String::from("syntax = \"proto3\";\npackage google.protobuf;\n");
            for (m, t) in WRAPPERS.iter().zip(WRAPPER_TYPES) {
                text.push_str(&format!("\nmessage {m} {{\n  {t} value = 1;\n}}\n"));
            }
            let file = protox::file::File::from_source(MAIN_FILE, &text)
                .map_err(|e| DataError::new(format!("Invalid protobuf schema definition: {e}")))?;
            let mut p = compile(file, &text, Vec::new())?;
            let i = WRAPPERS.iter().position(|m| *m == w).unwrap_or(0);
            p.root = p.message_at(&[i as i32])?;
            p.root_indexes = vec![i as i32];
            return Ok(p);
        }
        let mut ctx = FromCtx {
            names: 0,
            imports: BTreeSet::new(),
        };
        let full = Self::name_or_default(&mut ctx, s.name.as_deref());
        let (package, name) = self.split_name(&full);
        let msg = self.message_def(&mut ctx, name, s)?;
        let mut text = String::from("syntax = \"proto3\";\n");
        if let Some(p) = &package {
            text.push_str(&format!("package {p};\n"));
        }
        text.push('\n');
        if !ctx.imports.is_empty() {
            for i in &ctx.imports {
                text.push_str(&format!("import \"{i}\";\n"));
            }
            text.push('\n');
        }
        print_message(&msg, 0, &mut text);
        let file = protox::file::File::from_source(MAIN_FILE, &text)
            .map_err(|e| DataError::new(format!("Invalid protobuf schema definition: {e}")))?;
        compile(file, &text, Vec::new())
    }

    fn message_def(
        &self,
        ctx: &mut FromCtx,
        name: String,
        s: &Schema,
    ) -> Result<MsgDef, DataError> {
        let mut msg = MsgDef {
            name,
            ..MsgDef::default()
        };
        let mut index = 1;
        for f in &s.fields {
            let tag = match f.schema.param(TAG_PARAM) {
                Some(t) => t
                    .parse()
                    .map_err(|_| DataError::new(format!("Invalid tag {t}")))?,
                None => {
                    let t = index;
                    index += 1;
                    t
                }
            };
            if let Some(fd) =
                self.field_def(ctx, &mut msg, &f.schema, self.scrub(&f.name), tag, false)?
            {
                msg.items.push(Item::Field(fd));
            }
        }
        Ok(msg)
    }

    fn field_def(
        &self,
        ctx: &mut FromCtx,
        msg: &mut MsgDef,
        schema: &Schema,
        name: String,
        tag: i32,
        oneof_member: bool,
    ) -> Result<Option<FieldDef>, DataError> {
        let label = match schema.schema_type {
            SchemaType::Array | SchemaType::Map => Some("repeated"),
            _ if self.config.optional_for_nullables && schema.optional && !oneof_member => {
                Some("optional")
            }
            _ => None,
        };
        let s: &Schema = if schema.schema_type == SchemaType::Array {
            schema
                .value_schema
                .as_deref()
                .ok_or_else(|| DataError::new("Array schema without its element schema"))?
        } else {
            schema
        };
        let mut params = Vec::new();
        let ty = self.data_type(ctx, s, &name, &mut params, oneof_member)?;
        match s.schema_type {
            SchemaType::Struct if is_union(s) => {
                let union_name =
                    self.unqualified(ctx, s.name.as_deref().map(|n| &n[UNION_PREFIX.len()..]));
                let mut members = Vec::new();
                for f in &s.fields {
                    let tag = match f.schema.param(TAG_PARAM) {
                        Some(t) => t
                            .parse()
                            .map_err(|_| DataError::new(format!("Invalid tag {t}")))?,
                        None => 0,
                    };
                    if let Some(fd) =
                        self.field_def(ctx, msg, &f.schema, self.scrub(&f.name), tag, true)?
                    {
                        members.push(fd);
                    }
                }
                msg.items.push(Item::Oneof(union_name, members));
                return Ok(None);
            }
            SchemaType::Struct => {
                if !msg.nested.iter().any(|m| m.name == ty) {
                    let def = self.message_def(ctx, ty.clone(), s)?;
                    msg.nested.push(def);
                }
            }
            SchemaType::Map => {
                let mut entry = MsgDef {
                    name: ty.clone(),
                    ..MsgDef::default()
                };
                let (ks, vs) = map_schemas(s)?;
                if let Some(k) = self.field_def(ctx, &mut entry, ks, "key".into(), 1, false)? {
                    entry.items.push(Item::Field(k));
                }
                if let Some(v) = self.field_def(ctx, &mut entry, vs, "value".into(), 2, false)? {
                    entry.items.push(Item::Field(v));
                }
                msg.nested.push(entry);
            }
            _ if s.param(ENUM_PARAM).is_some()
                && (s.schema_type == SchemaType::String || s.schema_type == SchemaType::Int32) =>
            {
                let enum_name = self.unqualified(ctx, s.name.as_deref());
                if !msg.enums.iter().any(|(n, _)| *n == enum_name) {
                    let prefix = format!("{ENUM_PARAM}.");
                    let mut values = Vec::new();
                    for (k, v) in s.parameters.iter().flatten() {
                        if let Some(sym) = k.strip_prefix(&prefix) {
                            let n = v
                                .parse()
                                .map_err(|_| DataError::new(format!("Invalid enum tag {v}")))?;
                            values.push((sym.to_string(), n));
                        }
                    }
                    msg.enums.push((enum_name, values));
                }
            }
            _ => match ty.as_str() {
                DECIMAL_TYPE => {
                    ctx.imports.insert("confluent/type/decimal.proto");
                }
                DATE_TYPE => {
                    ctx.imports.insert("google/type/date.proto");
                }
                TIME_TYPE => {
                    ctx.imports.insert("google/type/timeofday.proto");
                }
                TIMESTAMP_TYPE => {
                    ctx.imports.insert("google/protobuf/timestamp.proto");
                }
                t if t.starts_with("google.protobuf.") => {
                    ctx.imports.insert("google/protobuf/wrappers.proto");
                }
                _ => {}
            },
        }
        if !params.is_empty() {
            ctx.imports.insert(META_FILE);
        }
        Ok(Some(FieldDef {
            label,
            ty,
            name,
            tag,
            params,
        }))
    }

    fn data_type(
        &self,
        ctx: &mut FromCtx,
        s: &Schema,
        field_name: &str,
        params: &mut Vec<(String, String)>,
        oneof_member: bool,
    ) -> Result<String, DataError> {
        match s.name.as_deref() {
            Some(DECIMAL) => {
                if let Some(p) = s.param(CONNECT_PRECISION) {
                    params.push(("precision".into(), p.into()));
                }
                if let Some(sc) = s.param(DECIMAL_SCALE) {
                    params.push(("scale".into(), sc.into()));
                }
                return Ok(DECIMAL_TYPE.into());
            }
            Some(DATE) => return Ok(DATE_TYPE.into()),
            Some(TIME) => return Ok(TIME_TYPE.into()),
            Some(TIMESTAMP) => return Ok(TIMESTAMP_TYPE.into()),
            _ => {}
        }
        let wrap = self.config.wrapper_for_nullables
            && s.optional
            && (!oneof_member || s.param(WRAPPER_PARAM).is_some());
        let pick = |w: &str, plain: &str| {
            if wrap {
                w.to_string()
            } else {
                plain.to_string()
            }
        };
        Ok(match s.schema_type {
            SchemaType::Int8 => {
                params.push(("connect.type".into(), "int8".into()));
                pick("google.protobuf.Int32Value", "int32")
            }
            SchemaType::Int16 => {
                params.push(("connect.type".into(), "int16".into()));
                pick("google.protobuf.Int32Value", "int32")
            }
            SchemaType::Int32 => {
                if let Some(e) = s.param(ENUM_PARAM) {
                    return Ok(e.to_string());
                }
                let t = s.param(TYPE_PARAM).unwrap_or("int32");
                pick("google.protobuf.Int32Value", t)
            }
            SchemaType::Int64 => {
                let t = s.param(TYPE_PARAM).unwrap_or("int64");
                let w = match t {
                    "uint32" | "fixed32" => "google.protobuf.UInt32Value",
                    "uint64" | "fixed64" => "google.protobuf.UInt64Value",
                    _ => "google.protobuf.Int64Value",
                };
                pick(w, t)
            }
            SchemaType::Float32 => pick("google.protobuf.FloatValue", "float"),
            SchemaType::Float64 => pick("google.protobuf.DoubleValue", "double"),
            SchemaType::Boolean => pick("google.protobuf.BoolValue", "bool"),
            SchemaType::String => {
                if let Some(e) = s.param(ENUM_PARAM) {
                    return Ok(e.to_string());
                }
                pick("google.protobuf.StringValue", "string")
            }
            SchemaType::Bytes => pick("google.protobuf.BytesValue", "bytes"),
            SchemaType::Array => return Err(DataError::new("Array cannot be nested")),
            SchemaType::Map => to_map_entry(&self.unqualified(ctx, s.name.as_deref())),
            SchemaType::Struct => {
                let mut name = self.unqualified(ctx, s.name.as_deref());
                if name == field_name {
                    name.push_str("Message");
                }
                name
            }
        })
    }

    // ---- descriptor -> Connect schema ---------------------------------------------------

    /// The Connect schema of a message, as ProtobufData's toConnectSchema builds it.
    pub fn to_connect_schema(
        &self,
        desc: &MessageDescriptor,
        version: Option<i32>,
    ) -> Result<Schema, DataError> {
        let mut stack = Vec::new();
        let mut s = if self.config.wrapper_for_raw_primitives {
            unwrapped(desc.full_name())
        } else {
            None
        }
        .map_or_else(|| self.struct_schema(desc, &mut stack), Ok)?;
        s.version = version;
        Ok(s)
    }

    fn struct_schema(
        &self,
        desc: &MessageDescriptor,
        stack: &mut Vec<String>,
    ) -> Result<Schema, DataError> {
        if stack.iter().any(|n| n == desc.full_name()) {
            return Err(DataError::new(format!(
                "Recursive Protobuf message {} has no Kafka Connect schema",
                desc.full_name()
            )));
        }
        stack.push(desc.full_name().to_string());
        let name = if self.config.enhanced_schema_support {
            desc.full_name()
        } else {
            desc.name()
        };
        let mut s = Schema::new(SchemaType::Struct).named(name);
        for (i, oneof) in desc.oneofs().filter(|o| !o.is_synthetic()).enumerate() {
            if self.config.flatten_unions {
                for f in oneof.fields() {
                    s.fields.push(Field {
                        name: f.name().to_string(),
                        schema: Arc::new(self.field_schema(&f, true, stack)?),
                    });
                }
            } else {
                let uname = if self.config.enhanced_schema_support {
                    oneof.full_name().to_string()
                } else {
                    oneof.name().to_string()
                };
                let mut u =
                    Schema::new(SchemaType::Struct).named(&format!("{UNION_PREFIX}{uname}"));
                for f in oneof.fields() {
                    u.fields.push(Field {
                        name: f.name().to_string(),
                        schema: Arc::new(self.field_schema(&f, true, stack)?),
                    });
                }
                s.fields.push(Field {
                    name: self.union_field_name(oneof.name(), i),
                    schema: Arc::new(u.optional()),
                });
            }
        }
        for f in desc.fields() {
            if f.containing_oneof().is_some_and(|o| !o.is_synthetic()) {
                continue;
            }
            s.fields.push(Field {
                name: f.name().to_string(),
                schema: Arc::new(self.field_schema(&f, false, stack)?),
            });
        }
        stack.pop();
        Ok(s)
    }

    fn union_field_name(&self, name: &str, index: usize) -> String {
        if self.config.generate_index_for_unions {
            format!("{name}_{index}")
        } else {
            name.to_string()
        }
    }

    fn field_meta(f: &FieldDescriptor) -> Vec<(String, String)> {
        let pool = f.parent_pool();
        let Some(ext) = pool.get_extension_by_name("confluent.field_meta") else {
            return Vec::new();
        };
        let opts = f.options();
        if !opts.has_extension(&ext) {
            return Vec::new();
        }
        let meta = opts.get_extension(&ext);
        let Some(m) = meta.as_message() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(PValue::Map(params)) = m.get_field_by_name("params").as_deref() {
            for (k, v) in params {
                if let (MapKey::String(k), PValue::String(v)) = (k, v) {
                    out.push((k.clone(), v.clone()));
                }
            }
        }
        out
    }

    fn has_optional_keyword(&self, f: &FieldDescriptor) -> bool {
        f.field_descriptor_proto().proto3_optional()
            || (f.parent_file().file_descriptor_proto().syntax() != "proto3"
                && f.cardinality() == prost_reflect::Cardinality::Optional
                && f.containing_oneof().is_none())
    }

    fn field_schema(
        &self,
        f: &FieldDescriptor,
        oneof_member: bool,
        stack: &mut Vec<String>,
    ) -> Result<Schema, DataError> {
        let meta = || Self::field_meta(f);
        let param = |m: &[(String, String)], k: &str| {
            m.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone())
        };
        let mut b = match f.kind() {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                let m = meta();
                match param(&m, "connect.type").as_deref() {
                    Some("int8") => Schema::new(SchemaType::Int8),
                    Some("int16") => Schema::new(SchemaType::Int16),
                    _ => {
                        let s = Schema::new(SchemaType::Int32);
                        match f.kind() {
                            Kind::Sint32 => s.parameter(TYPE_PARAM, "sint32"),
                            Kind::Sfixed32 => s.parameter(TYPE_PARAM, "sfixed32"),
                            _ => s,
                        }
                    }
                }
            }
            k @ (Kind::Uint32
            | Kind::Fixed32
            | Kind::Int64
            | Kind::Uint64
            | Kind::Sint64
            | Kind::Fixed64
            | Kind::Sfixed64) => {
                let s = Schema::new(SchemaType::Int64);
                let t = match k {
                    Kind::Uint32 => Some("uint32"),
                    Kind::Fixed32 => Some("fixed32"),
                    Kind::Uint64 => Some("uint64"),
                    Kind::Sint64 => Some("sint64"),
                    Kind::Fixed64 => Some("fixed64"),
                    Kind::Sfixed64 => Some("sfixed64"),
                    _ => None,
                };
                match t {
                    Some(t) => s.parameter(TYPE_PARAM, t),
                    None => s,
                }
            }
            Kind::Float => Schema::new(SchemaType::Float32),
            Kind::Double => Schema::new(SchemaType::Float64),
            Kind::Bool => Schema::new(SchemaType::Boolean),
            Kind::String => Schema::new(SchemaType::String),
            Kind::Bytes => Schema::new(SchemaType::Bytes),
            Kind::Enum(e) => {
                let name = if self.config.enhanced_schema_support {
                    e.full_name()
                } else {
                    e.name()
                };
                let mut s = Schema::new(if self.config.int_for_enums {
                    SchemaType::Int32
                } else {
                    SchemaType::String
                })
                .named(name)
                .parameter(ENUM_PARAM, e.name());
                for v in e.values() {
                    s = s.parameter(
                        &format!("{ENUM_PARAM}.{}", v.name()),
                        &v.number().to_string(),
                    );
                }
                s.optional()
            }
            Kind::Message(m) => {
                let s = match m.full_name() {
                    DECIMAL_TYPE => {
                        let meta = meta();
                        let scale = param(&meta, "scale")
                            .and_then(|v| v.parse::<i32>().ok())
                            .unwrap_or(0);
                        let mut s = Schema::decimal(scale);
                        if let Some(p) =
                            param(&meta, "precision").and_then(|v| v.parse::<i32>().ok())
                        {
                            s = s.parameter(CONNECT_PRECISION, &p.to_string());
                        }
                        s
                    }
                    DATE_TYPE => Schema::date(),
                    TIME_TYPE => Schema::time(),
                    TIMESTAMP_TYPE => Schema::timestamp(),
                    _ => {
                        if f.is_map() {
                            let name = if self.config.enhanced_schema_support {
                                m.full_name()
                            } else {
                                m.name()
                            };
                            let kf = m.map_entry_key_field();
                            let vf = m.map_entry_value_field();
                            Schema::map(
                                self.field_schema(&kf, false, stack)?,
                                self.field_schema(&vf, false, stack)?,
                            )
                            .named(&to_map_field(name))
                        } else if is_map_like(&m) && f.is_list() {
                            let name = if self.config.enhanced_schema_support {
                                m.full_name()
                            } else {
                                m.name()
                            };
                            let fs: Vec<FieldDescriptor> = m.fields().collect();
                            Schema::map(
                                self.field_schema(&fs[0], false, stack)?,
                                self.field_schema(&fs[1], false, stack)?,
                            )
                            .named(&to_map_field(name))
                        } else if self.config.wrapper_for_nullables {
                            match unwrapped(m.full_name()) {
                                Some(u) => u,
                                None => self.struct_schema(&m, stack)?,
                            }
                        } else {
                            self.struct_schema(&m, stack)?
                        }
                    }
                };
                s.optional()
            }
        };
        if f.is_list() && b.schema_type != SchemaType::Map {
            b = Schema::array(b.optional()).optional();
        }
        if oneof_member {
            b.optional = true;
            if self.config.wrapper_for_nullables
                && matches!(f.kind(), Kind::Message(ref m) if unwrapped(m.full_name()).is_some())
            {
                b = b.parameter(WRAPPER_PARAM, "true");
            }
        } else if self.config.optional_for_nullables {
            if self.has_optional_keyword(f) {
                b.optional = true;
            }
        } else if !self.config.wrapper_for_nullables {
            b.optional = true;
        }
        Ok(b.parameter(TAG_PARAM, &f.number().to_string()))
    }

    // ---- values ------------------------------------------------------------------------

    /// A Connect struct to a dynamic message of `desc`.
    pub fn to_message(
        &self,
        s: &Schema,
        desc: &MessageDescriptor,
        v: &Value,
    ) -> Result<DynamicMessage, DataError> {
        let Value::Struct(st) = v else {
            return Err(DataError::new(format!(
                "Invalid type for STRUCT: {}",
                v.type_name()
            )));
        };
        if st.schema.as_ref() != s {
            return Err(DataError::new("Mismatching struct schema"));
        }
        let mut msg = DynamicMessage::new(desc.clone());
        for (f, val) in s.fields.iter().zip(&st.values) {
            let val = if val.is_null() {
                f.schema.default_value.as_ref().unwrap_or(val)
            } else {
                val
            };
            if val.is_null() {
                continue;
            }
            if is_union(&f.schema) {
                let Value::Struct(u) = val else {
                    return Err(DataError::new("Invalid union value"));
                };
                let Some((uf, uv)) = f
                    .schema
                    .fields
                    .iter()
                    .zip(&u.values)
                    .find(|(_, v)| !v.is_null())
                else {
                    return Err(DataError::new("Cannot find non-null field"));
                };
                let name = self.scrubbed(&uf.name);
                let fd = desc
                    .get_field_by_name(&name)
                    .ok_or_else(|| DataError::new(format!("Cannot find field with name {name}")))?;
                if let Some(pv) = self.to_pvalue(&uf.schema, &fd, uv, true)? {
                    msg.set_field(&fd, pv);
                }
                continue;
            }
            let name = self.scrubbed(&f.name);
            let fd = desc
                .get_field_by_name(&name)
                .ok_or_else(|| DataError::new(format!("Cannot find field with name {name}")))?;
            if let Some(pv) = self.to_pvalue(&f.schema, &fd, val, false)? {
                msg.set_field(&fd, pv);
            }
        }
        Ok(msg)
    }

    fn to_pvalue(
        &self,
        s: &Schema,
        fd: &FieldDescriptor,
        v: &Value,
        oneof_member: bool,
    ) -> Result<Option<PValue>, DataError> {
        if v.is_null() {
            return Ok(None);
        }
        match s.schema_type {
            SchemaType::Array => {
                let Value::Array(items) = v else {
                    return Err(DataError::new(format!(
                        "Invalid type for ARRAY: {}",
                        v.type_name()
                    )));
                };
                if items.is_empty() {
                    return Ok(None);
                }
                let es = s
                    .value_schema
                    .as_deref()
                    .ok_or_else(|| DataError::new("Array schema without elements"))?;
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    match self.single(es, fd, it, false)? {
                        Some(p) => out.push(p),
                        None => out.push(PValue::default_value(&fd.kind())),
                    }
                }
                Ok(Some(PValue::List(out)))
            }
            SchemaType::Map => {
                let Value::Map(entries) = v else {
                    return Err(DataError::new(format!(
                        "Invalid type for MAP: {}",
                        v.type_name()
                    )));
                };
                let (ks, vs) = map_schemas(s)?;
                let Kind::Message(entry) = fd.kind() else {
                    return Err(DataError::new(format!("Field {} is not a map", fd.name())));
                };
                let kf = entry
                    .get_field_by_name("key")
                    .ok_or_else(|| DataError::new("Map entry without key"))?;
                let vf = entry
                    .get_field_by_name("value")
                    .ok_or_else(|| DataError::new("Map entry without value"))?;
                if fd.is_map() {
                    let mut map = std::collections::HashMap::new();
                    for (k, val) in entries {
                        let key = match self.single(ks, &kf, k, false)? {
                            Some(p) => map_key(p)?,
                            None => map_key(PValue::default_value(&kf.kind()))?,
                        };
                        let value = self
                            .single(vs, &vf, val, false)?
                            .unwrap_or_else(|| PValue::default_value(&vf.kind()));
                        map.insert(key, value);
                    }
                    Ok(Some(PValue::Map(map)))
                } else {
                    let mut out = Vec::with_capacity(entries.len());
                    for (k, val) in entries {
                        let mut m = DynamicMessage::new(entry.clone());
                        if let Some(p) = self.single(ks, &kf, k, false)? {
                            m.set_field(&kf, p);
                        }
                        if let Some(p) = self.single(vs, &vf, val, false)? {
                            m.set_field(&vf, p);
                        }
                        out.push(PValue::Message(m));
                    }
                    Ok(Some(PValue::List(out)))
                }
            }
            _ => self.single(s, fd, v, oneof_member),
        }
    }

    /// One (non-repeated) value of field `fd`.
    fn single(
        &self,
        s: &Schema,
        fd: &FieldDescriptor,
        v: &Value,
        _oneof_member: bool,
    ) -> Result<Option<PValue>, DataError> {
        if v.is_null() {
            return Ok(None);
        }
        let kind = fd.kind();
        let wrong = || {
            DataError::new(format!(
                "Invalid type for {}: {}",
                s.schema_type.connect_name(),
                v.type_name()
            ))
        };
        match s.name.as_deref() {
            Some(DECIMAL) if s.schema_type == SchemaType::Bytes => {
                let Kind::Message(m) = kind else {
                    return Err(wrong());
                };
                let (unscaled, scale) = match v {
                    Value::Bytes(b) => (b.clone(), s.decimal_scale()?),
                    Value::Decimal { unscaled, scale } => (unscaled.clone(), *scale),
                    _ => return Err(wrong()),
                };
                let minimal = minimal_twos_complement(&unscaled);
                // BigDecimal.precision(): the digits of the unscaled value (1 for zero).
                let digits = if minimal.len() <= 16 {
                    let mut be = [if minimal.first().is_some_and(|b| b & 0x80 != 0) {
                        0xff
                    } else {
                        0
                    }; 16];
                    be[16 - minimal.len()..].copy_from_slice(minimal);
                    let n = i128::from_be_bytes(be).unsigned_abs();
                    n.checked_ilog10().map_or(1, |l| l + 1)
                } else {
                    BigInt::from_signed_bytes_be(minimal)
                        .magnitude()
                        .to_string()
                        .len() as u32
                };
                let mut d = DynamicMessage::new(m);
                d.set_field_by_name(
                    "value",
                    PValue::Bytes(if minimal.is_empty() {
                        Bytes::from_static(&[0])
                    } else {
                        Bytes::copy_from_slice(minimal)
                    }),
                );
                d.set_field_by_name("precision", PValue::U32(digits.max(1)));
                d.set_field_by_name("scale", PValue::I32(scale));
                return Ok(Some(PValue::Message(d)));
            }
            Some(DATE) if s.schema_type == SchemaType::Int32 => {
                let Kind::Message(m) = kind else {
                    return Err(wrong());
                };
                let Value::Int32(days) = v else {
                    return Err(wrong());
                };
                let (y, mo, d) = civil_from_days(i64::from(*days));
                let mut msg = DynamicMessage::new(m);
                msg.set_field_by_name("year", PValue::I32(y as i32));
                msg.set_field_by_name("month", PValue::I32(mo as i32));
                msg.set_field_by_name("day", PValue::I32(d as i32));
                return Ok(Some(PValue::Message(msg)));
            }
            Some(TIME) if s.schema_type == SchemaType::Int32 => {
                let Kind::Message(m) = kind else {
                    return Err(wrong());
                };
                let Value::Int32(ms) = v else {
                    return Err(wrong());
                };
                if !(0..=86_400_000).contains(ms) {
                    return Err(DataError::new("Time values must use number of millis greater than 0 and less than 86400000"));
                }
                let ms = *ms;
                let mut msg = DynamicMessage::new(m);
                msg.set_field_by_name("hours", PValue::I32((ms / 3_600_000) % 24));
                msg.set_field_by_name("minutes", PValue::I32((ms / 60_000) % 60));
                msg.set_field_by_name("seconds", PValue::I32((ms / 1000) % 60));
                msg.set_field_by_name("nanos", PValue::I32((ms % 1000) * 1_000_000));
                return Ok(Some(PValue::Message(msg)));
            }
            Some(TIMESTAMP) if s.schema_type == SchemaType::Int64 => {
                let Kind::Message(m) = kind else {
                    return Err(wrong());
                };
                let Value::Int64(ms) = v else {
                    return Err(wrong());
                };
                let mut msg = DynamicMessage::new(m);
                msg.set_field_by_name("seconds", PValue::I64(ms.div_euclid(1000)));
                msg.set_field_by_name(
                    "nanos",
                    PValue::I32((ms.rem_euclid(1000) * 1_000_000) as i32),
                );
                return Ok(Some(PValue::Message(msg)));
            }
            _ => {}
        }
        if let Kind::Message(m) = &kind {
            if s.schema_type != SchemaType::Struct {
                // A wrapper (google.protobuf.*Value).
                let inner = m
                    .get_field_by_name("value")
                    .ok_or_else(|| DataError::new(format!("{} is not a wrapper", m.full_name())))?;
                let p = self.scalar(s, &inner, v)?;
                let mut msg = DynamicMessage::new(m.clone());
                msg.set_field(&inner, p);
                return Ok(Some(PValue::Message(msg)));
            }
            return Ok(Some(PValue::Message(self.to_message(s, m, v)?)));
        }
        Ok(Some(self.scalar(s, fd, v)?))
    }

    fn scalar(&self, s: &Schema, fd: &FieldDescriptor, v: &Value) -> Result<PValue, DataError> {
        let wrong = || {
            DataError::new(format!(
                "Invalid type for {}: {}",
                s.schema_type.connect_name(),
                v.type_name()
            ))
        };
        let int = || -> Result<i64, DataError> {
            Ok(match v {
                Value::Int8(i) => i64::from(*i),
                Value::Int16(i) => i64::from(*i),
                Value::Int32(i) => i64::from(*i),
                Value::Int64(i) => *i,
                _ => return Err(wrong()),
            })
        };
        Ok(match fd.kind() {
            Kind::Enum(e) => {
                let n = match v {
                    Value::String(sym) => {
                        let tag = s
                            .param(&format!("{ENUM_PARAM}.{sym}"))
                            .and_then(|t| t.parse().ok());
                        match tag.or_else(|| e.get_value_by_name(sym).map(|x| x.number())) {
                            Some(n) => n,
                            None => {
                                return Err(DataError::new(format!(
                                    "Unknown enum symbol {sym} of {}",
                                    e.full_name()
                                )))
                            }
                        }
                    }
                    _ => int()? as i32,
                };
                PValue::EnumNumber(n)
            }
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => PValue::I32(int()? as i32),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => PValue::I64(int()?),
            Kind::Uint32 | Kind::Fixed32 => PValue::U32(int()? as u32),
            Kind::Uint64 | Kind::Fixed64 => PValue::U64(int()? as u64),
            Kind::Float => match v {
                Value::Float32(f) => PValue::F32(*f),
                Value::Float64(f) => PValue::F32(*f as f32),
                _ => return Err(wrong()),
            },
            Kind::Double => match v {
                Value::Float64(f) => PValue::F64(*f),
                Value::Float32(f) => PValue::F64(f64::from(*f)),
                _ => return Err(wrong()),
            },
            Kind::Bool => match v {
                Value::Boolean(b) => PValue::Bool(*b),
                _ => return Err(wrong()),
            },
            Kind::String => match v {
                Value::String(t) => PValue::String(t.clone()),
                _ => return Err(wrong()),
            },
            Kind::Bytes => match v {
                Value::Bytes(b) => PValue::Bytes(b.clone()),
                _ => return Err(wrong()),
            },
            Kind::Message(_) => return Err(wrong()),
        })
    }

    /// A decoded message to Connect data of schema `s` (ProtobufData.toConnectData).
    pub fn to_connect_value(
        &self,
        s: &Arc<Schema>,
        msg: &DynamicMessage,
    ) -> Result<Value, DataError> {
        if s.schema_type != SchemaType::Struct {
            // A top-level wrapper (wrapper.for.raw.primitives).
            let f = msg
                .descriptor()
                .get_field_by_name("value")
                .ok_or_else(|| DataError::new("Not a wrapper message"))?;
            let v = msg.get_field(&f);
            return self.value(s, &v);
        }
        self.struct_value(s, msg)
    }

    fn struct_value(&self, s: &Arc<Schema>, msg: &DynamicMessage) -> Result<Value, DataError> {
        let mut st = Struct::new(s.clone());
        let desc = msg.descriptor();
        for (i, oneof) in desc.oneofs().filter(|o| !o.is_synthetic()).enumerate() {
            let Some(fd) = oneof.fields().find(|f| msg.has_field(f)) else {
                continue;
            };
            let v = msg.get_field(&fd);
            if self.config.flatten_unions {
                let Some(idx) = s.field_index(fd.name()) else {
                    continue;
                };
                st.values[idx] = self.value(&s.fields[idx].schema, &v)?;
            } else {
                let uname = self.union_field_name(oneof.name(), i);
                let Some(idx) = s.field_index(&uname) else {
                    continue;
                };
                let us = s.fields[idx].schema.clone();
                let Some(j) = us.field_index(fd.name()) else {
                    continue;
                };
                let mut u = Struct::new(us.clone());
                u.values[j] = self.value(&us.fields[j].schema, &v)?;
                st.values[idx] = Value::Struct(u);
            }
        }
        for fd in desc.fields() {
            if fd.containing_oneof().is_some_and(|o| !o.is_synthetic()) {
                continue;
            }
            let Some(idx) = s.field_index(fd.name()) else {
                continue;
            };
            let primitive_or_repeated =
                !matches!(fd.kind(), Kind::Message(_)) || fd.is_list() || fd.is_map();
            let optional = fd.field_descriptor_proto().proto3_optional()
                || (self.config.optional_for_proto2 && self.has_optional_keyword(&fd));
            if (primitive_or_repeated && !optional)
                || self.config.generate_struct_for_nulls
                || msg.has_field(&fd)
            {
                let v = msg.get_field(&fd);
                st.values[idx] = self.value(&s.fields[idx].schema, &v)?;
            }
        }
        Ok(Value::Struct(st))
    }

    fn value(&self, s: &Arc<Schema>, v: &PValue) -> Result<Value, DataError> {
        let wrong = || {
            DataError::new(format!(
                "Invalid type for {}: {v:?}",
                s.schema_type.connect_name()
            ))
        };
        if let (Some(name), PValue::Message(m)) = (s.name.as_deref(), v) {
            let get_i = |n: &str| m.get_field_by_name(n).and_then(|x| x.as_i32()).unwrap_or(0);
            match name {
                DECIMAL if s.schema_type == SchemaType::Bytes => {
                    let raw = m
                        .get_field_by_name("value")
                        .and_then(|x| x.as_bytes().cloned())
                        .unwrap_or_default();
                    let mscale = get_i("scale");
                    let want = s.decimal_scale()?;
                    let mut int = if raw.is_empty() {
                        BigInt::from(0)
                    } else {
                        BigInt::from_signed_bytes_be(&raw)
                    };
                    if mscale != want {
                        // Rescaled when that is exact (Confluent's converter refuses any
                        // other scale than the schema's).
                        let diff = i64::from(want) - i64::from(mscale);
                        let unfit = || {
                            DataError::new(format!(
                                "Decimal of scale {mscale} does not fit the schema's scale {want}"
                            ))
                        };
                        if diff.abs() > 1000 {
                            return Err(unfit());
                        }
                        let p = BigInt::from(10u32).pow(diff.unsigned_abs() as u32);
                        if diff > 0 {
                            int *= p;
                        } else {
                            if &int % &p != BigInt::from(0) {
                                return Err(unfit());
                            }
                            int /= p;
                        }
                    }
                    return Ok(Value::Bytes(Bytes::from(int.to_signed_bytes_be())));
                }
                DATE if s.schema_type == SchemaType::Int32 => {
                    let (y, mo, d) = (get_i("year"), get_i("month"), get_i("day"));
                    let valid = (1..=12).contains(&mo)
                        && d >= 1
                        && days_from_civil(i64::from(y), mo as u32, d as u32)
                            < days_from_civil(
                                i64::from(y) + (mo == 12) as i64,
                                (mo % 12 + 1) as u32,
                                1,
                            );
                    if !valid {
                        return Err(DataError::new(format!("Invalid date {y}-{mo}-{d}")));
                    }
                    let days = days_from_civil(i64::from(y), mo as u32, d as u32);
                    return i32::try_from(days).map(Value::Int32).map_err(|_| wrong());
                }
                TIME if s.schema_type == SchemaType::Int32 => {
                    let (h, mi, se, n) = (
                        get_i("hours"),
                        get_i("minutes"),
                        get_i("seconds"),
                        get_i("nanos"),
                    );
                    if !(0..24).contains(&h)
                        || !(0..60).contains(&mi)
                        || !(0..60).contains(&se)
                        || !(0..1_000_000_000).contains(&n)
                    {
                        return Err(DataError::new(format!(
                            "Invalid time of day {h}:{mi}:{se}.{n}"
                        )));
                    }
                    let nanos = i64::from(h) * 3_600_000_000_000
                        + i64::from(mi) * 60_000_000_000
                        + i64::from(se) * 1_000_000_000
                        + i64::from(n);
                    return Ok(Value::Int32((nanos / 1_000_000) as i32));
                }
                TIMESTAMP if s.schema_type == SchemaType::Int64 => {
                    let secs = m
                        .get_field_by_name("seconds")
                        .and_then(|x| x.as_i64())
                        .unwrap_or(0);
                    let nanos = get_i("nanos");
                    let millis = if (0..1_000_000_000).contains(&nanos) {
                        secs.checked_mul(1000)
                            .and_then(|ms| ms.checked_add(i64::from(nanos / 1_000_000)))
                    } else {
                        None
                    };
                    return millis.map(Value::Int64).ok_or_else(|| {
                        DataError::new(format!("Invalid timestamp {secs}s {nanos}ns"))
                    });
                }
                _ => {}
            }
        }
        Ok(match s.schema_type {
            SchemaType::Array => {
                let PValue::List(items) = v else {
                    return Err(wrong());
                };
                let es = s.value_schema.clone().ok_or_else(wrong)?;
                Value::Array(
                    items
                        .iter()
                        .map(|x| self.value(&es, x))
                        .collect::<Result<_, _>>()?,
                )
            }
            SchemaType::Map => {
                let ks = s.key_schema.clone().ok_or_else(wrong)?;
                let vs = s.value_schema.clone().ok_or_else(wrong)?;
                match v {
                    PValue::Map(m) => {
                        let mut out: Vec<(Value, Value)> = Vec::with_capacity(m.len());
                        let mut keys: Vec<&MapKey> = m.keys().collect();
                        keys.sort();
                        for k in keys {
                            let kv: PValue = k.clone().into();
                            out.push((self.value(&ks, &kv)?, self.value(&vs, &m[k])?));
                        }
                        Value::Map(out)
                    }
                    PValue::List(entries) => {
                        let mut out = Vec::with_capacity(entries.len());
                        for e in entries {
                            let PValue::Message(e) = e else {
                                return Err(wrong());
                            };
                            let kd = e.descriptor().get_field_by_name("key").ok_or_else(wrong)?;
                            let vd = e
                                .descriptor()
                                .get_field_by_name("value")
                                .ok_or_else(wrong)?;
                            out.push((
                                self.value(&ks, &e.get_field(&kd))?,
                                self.value(&vs, &e.get_field(&vd))?,
                            ));
                        }
                        Value::Map(out)
                    }
                    _ => return Err(wrong()),
                }
            }
            SchemaType::Struct => {
                let PValue::Message(m) = v else {
                    return Err(wrong());
                };
                self.struct_value(s, m)?
            }
            _ => {
                let v = match v {
                    PValue::Message(m) => m
                        .get_field_by_name("value")
                        .map(|c| c.into_owned())
                        .ok_or_else(wrong)?,
                    other => other.clone(),
                };
                match (s.schema_type, &v) {
                    (SchemaType::Int8, PValue::I32(i)) => Value::Int8(*i as i8),
                    (SchemaType::Int16, PValue::I32(i)) => Value::Int16(*i as i16),
                    (SchemaType::Int32, PValue::I32(i)) => Value::Int32(*i),
                    (SchemaType::Int32, PValue::EnumNumber(i)) => Value::Int32(*i),
                    (SchemaType::Int64, PValue::I64(i)) => Value::Int64(*i),
                    (SchemaType::Int64, PValue::U64(i)) => Value::Int64(*i as i64),
                    (SchemaType::Int64, PValue::U32(i)) => Value::Int64(i64::from(*i)),
                    (SchemaType::Int64, PValue::I32(i)) => Value::Int64(i64::from(*i as u32)),
                    (SchemaType::Float32, PValue::F32(f)) => Value::Float32(*f),
                    (SchemaType::Float64, PValue::F64(f)) => Value::Float64(*f),
                    (SchemaType::Boolean, PValue::Bool(b)) => Value::Boolean(*b),
                    (SchemaType::String, PValue::String(t)) => Value::String(t.clone()),
                    (SchemaType::String, PValue::EnumNumber(n)) => {
                        let sym = s
                            .parameters
                            .iter()
                            .flatten()
                            .find(|(k, val)| {
                                k.starts_with(ENUM_PARAM)
                                    && k.len() > ENUM_PARAM.len() + 1
                                    && val.parse::<i32>().ok() == Some(*n)
                            })
                            .map(|(k, _)| k[ENUM_PARAM.len() + 1..].to_string());
                        Value::String(sym.unwrap_or_else(|| n.to_string()))
                    }
                    (SchemaType::Bytes, PValue::Bytes(b)) => Value::Bytes(b.clone()),
                    _ => return Err(wrong()),
                }
            }
        })
    }
}

/// The key and value schemas of a MAP schema.
fn map_schemas(s: &Schema) -> Result<(&Schema, &Schema), DataError> {
    let ks = s
        .key_schema
        .as_deref()
        .ok_or_else(|| DataError::new("Map schema without keys"))?;
    let vs = s
        .value_schema
        .as_deref()
        .ok_or_else(|| DataError::new("Map schema without values"))?;
    Ok((ks, vs))
}

fn map_key(p: PValue) -> Result<MapKey, DataError> {
    Ok(match p {
        PValue::Bool(b) => MapKey::Bool(b),
        PValue::I32(i) => MapKey::I32(i),
        PValue::I64(i) => MapKey::I64(i),
        PValue::U32(i) => MapKey::U32(i),
        PValue::U64(i) => MapKey::U64(i),
        PValue::String(s) => MapKey::String(s),
        other => {
            return Err(DataError::new(format!(
                "Invalid Protobuf map key {other:?}"
            )))
        }
    })
}

fn is_map_like(m: &MessageDescriptor) -> bool {
    let fs: Vec<FieldDescriptor> = m.fields().collect();
    m.name().ends_with("Entry")
        && fs.len() == 2
        && fs[0].name() == "key"
        && fs[1].name() == "value"
        && !fs[0].is_list()
        && !fs[1].is_list()
}

fn unwrapped(full_name: &str) -> Option<Schema> {
    Some(Schema::new(match full_name {
        "google.protobuf.DoubleValue" => SchemaType::Float64,
        "google.protobuf.FloatValue" => SchemaType::Float32,
        "google.protobuf.Int64Value"
        | "google.protobuf.UInt64Value"
        | "google.protobuf.UInt32Value" => SchemaType::Int64,
        "google.protobuf.Int32Value" => SchemaType::Int32,
        "google.protobuf.BoolValue" => SchemaType::Boolean,
        "google.protobuf.StringValue" => SchemaType::String,
        "google.protobuf.BytesValue" => SchemaType::Bytes,
        _ => return None,
    }))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn print_message(m: &MsgDef, depth: usize, out: &mut String) {
    let ind = "  ".repeat(depth);
    out.push_str(&format!("{ind}message {} {{\n", m.name));
    let print_field = |f: &FieldDef, ind: &str, out: &mut String| {
        out.push_str(ind);
        if let Some(l) = f.label {
            out.push_str(l);
            out.push(' ');
        }
        out.push_str(&format!("{} {} = {}", f.ty, f.name, f.tag));
        if !f.params.is_empty() {
            out.push_str(" [(confluent.field_meta) = { params: [");
            let ps: Vec<String> = f
                .params
                .iter()
                .map(|(k, v)| format!("{{ key: {}, value: {} }}", quote(k), quote(v)))
                .collect();
            out.push_str(&ps.join(", "));
            out.push_str("] }]");
        }
        out.push_str(";\n");
    };
    let inner = "  ".repeat(depth + 1);
    for item in &m.items {
        match item {
            Item::Field(f) => print_field(f, &inner, out),
            Item::Oneof(name, fs) => {
                out.push_str(&format!("{inner}oneof {name} {{\n"));
                let inner2 = "  ".repeat(depth + 2);
                for f in fs {
                    print_field(f, &inner2, out);
                }
                out.push_str(&format!("{inner}}}\n"));
            }
        }
    }
    for n in &m.nested {
        print_message(n, depth + 1, out);
    }
    for (name, values) in &m.enums {
        out.push_str(&format!("{inner}enum {name} {{\n"));
        for (sym, n) in values {
            out.push_str(&format!("{inner}  {sym} = {n};\n"));
        }
        out.push_str(&format!("{inner}}}\n"));
    }
    out.push_str(&format!("{ind}}}\n"));
}

/// Protobuf as a registered schema language.
pub struct ProtobufFormat {
    data: ProtobufData,
}

impl ProtobufFormat {
    pub fn new(config: ProtobufDataConfig) -> ProtobufFormat {
        ProtobufFormat {
            data: ProtobufData { config },
        }
    }

    pub fn data(&self) -> &ProtobufData {
        &self.data
    }
}

impl SchemaFormat for ProtobufFormat {
    type Parsed = ProtoSchema;
    const NAME: &'static str = "Protobuf";
    const SCHEMA_TYPE: Option<&'static str> = Some("PROTOBUF");

    fn from_connect_schema(&self, s: &Schema) -> Result<ProtoSchema, DataError> {
        self.data.from_connect_schema(s)
    }

    fn print(&self, p: &ProtoSchema) -> String {
        p.text.clone()
    }

    fn record_name(&self, p: &ProtoSchema) -> Option<String> {
        Some(p.root.full_name().to_string())
    }

    fn parse(&self, text: &str) -> Result<ProtoSchema, DataError> {
        ProtoSchema::parse(text)
    }

    const READS_REFERENCES: bool = true;

    fn parse_with_references(
        &self,
        text: &str,
        references: &[(String, String)],
    ) -> Result<ProtoSchema, DataError> {
        ProtoSchema::parse_with_references(text, references)
    }

    fn has_connect_version(&self, _p: &ProtoSchema) -> bool {
        false
    }

    fn to_connect_schema(
        &self,
        p: &ProtoSchema,
        version: Option<i32>,
    ) -> Result<Schema, DataError> {
        let _ = p.version.set(version);
        self.data.to_connect_schema(&p.root, version)
    }

    fn encode(
        &self,
        s: &Schema,
        p: &ProtoSchema,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        let msg = if s.schema_type == SchemaType::Struct {
            self.data.to_message(s, &p.root, value)?
        } else {
            let f = p
                .root
                .get_field_by_name("value")
                .ok_or_else(|| DataError::new("Not a wrapper message"))?;
            let mut m = DynamicMessage::new(p.root.clone());
            m.set_field(&f, self.data.scalar(s, &f, value)?);
            m
        };
        write_indexes(&p.root_indexes, out);
        msg.encode(out)
            .map_err(|e| DataError::new(format!("Protobuf encoding failed: {e}")))
    }

    const WRITES_FOR_LATEST: bool = true;

    /// As Confluent's serializer with `use.latest.version`: the record's message, its
    /// indexes those of the message of the same full name in the latest schema.
    fn encode_for_latest(
        &self,
        s: &Schema,
        p: &ProtoSchema,
        latest: &ProtoSchema,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), DataError> {
        let name = p.root.full_name();
        let indexes = latest
            .indexes_of(name)
            .ok_or_else(|| DataError::new(format!("the latest schema has no message {name}")))?;
        let mut own = Vec::new();
        self.encode(s, p, value, &mut own)?;
        let (_, start) = read_indexes(&own)?;
        write_indexes(&indexes, out);
        out.extend_from_slice(&own[start..]);
        Ok(())
    }

    fn decode(&self, s: &Arc<Schema>, p: &ProtoSchema, bytes: &[u8]) -> Result<Value, DataError> {
        self.decode_with_schema(s, p, bytes).map(|(_, v)| v)
    }

    fn decode_with_schema(
        &self,
        s: &Arc<Schema>,
        p: &ProtoSchema,
        bytes: &[u8],
    ) -> Result<(Arc<Schema>, Value), DataError> {
        let (indexes, start) = read_indexes(bytes)?;
        let (schema, desc) = if indexes == [0] {
            (s.clone(), p.root.clone())
        } else {
            let desc = p.message_at(&indexes)?;
            let known = p
                .others
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(i, _)| *i == indexes)
                .map(|(_, s)| s.clone());
            let schema = match known {
                Some(s) => s,
                None => {
                    let version = p.version.get().copied().flatten();
                    let s = Arc::new(self.data.to_connect_schema(&desc, version)?);
                    p.others
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((indexes.clone(), s.clone()));
                    s
                }
            };
            (schema, desc)
        };
        let msg = DynamicMessage::decode(desc, &bytes[start..])
            .map_err(|e| DataError::new(format!("Invalid Protobuf message: {e}")))?;
        let v = self.data.to_connect_value(&schema, &msg)?;
        Ok((schema, v))
    }
}

/// Confluent's ProtobufConverter.
pub type ProtobufConverter = RegisteredConverter<ProtobufFormat>;

impl RegisteredConverter<ProtobufFormat> {
    pub fn new(
        settings: &BTreeMap<String, String>,
        is_key: bool,
    ) -> Result<ProtobufConverter, String> {
        RegisteredConverter::with_format(
            ProtobufFormat::new(ProtobufDataConfig::parse(settings)?),
            settings,
            is_key,
        )
    }

    /// The ProtobufData of this converter (tests, benches).
    pub fn protobuf_data(&self) -> &ProtobufData {
        self.format().data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ProtobufData {
        ProtobufData {
            config: ProtobufDataConfig::default(),
        }
    }

    #[test]
    fn message_indexes_as_confluent_writes_them() {
        let mut out = Vec::new();
        write_indexes(&[0], &mut out);
        assert_eq!(out, [0]);
        out.clear();
        write_indexes(&[1], &mut out);
        assert_eq!(out, [2, 2]);
        out.clear();
        write_indexes(&[0, 2], &mut out);
        assert_eq!(out, [4, 0, 4]);
        assert_eq!(read_indexes(&[4, 0, 4, 9]).unwrap(), (vec![0, 2], 3));
        assert_eq!(read_indexes(&[0, 8]).unwrap(), (vec![0], 1));
        assert!(read_indexes(&[2]).is_err());
    }

    #[test]
    fn names_scrubbed_as_confluent_scrubs_them() {
        assert_eq!(scrub("my-field"), "my_field");
        assert_eq!(scrub("a b"), "a_b");
        assert_eq!(scrub("a/b"), "a___b");
        assert_eq!(scrub("1abc"), "x1abc");
        assert_eq!(scrub("_x"), "x_x");
        assert_eq!(scrub("é"), "x______");
        assert_eq!(scrub("ok_name"), "ok_name");
    }

    #[test]
    fn civil_dates_round_trip() {
        for d in [-719_468, -1, 0, 1, 19_753, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(civil_from_days(19_753), (2024, 1, 31));
    }

    fn every_type() -> Schema {
        Schema::new(SchemaType::Struct)
            .named("com.example.Every")
            .field("i8", Schema::new(SchemaType::Int8))
            .field("i16", Schema::new(SchemaType::Int16))
            .field("i32", Schema::new(SchemaType::Int32))
            .field("i64", Schema::new(SchemaType::Int64))
            .field("f32", Schema::new(SchemaType::Float32))
            .field("f64", Schema::new(SchemaType::Float64))
            .field("b", Schema::new(SchemaType::Boolean))
            .field("s", Schema::new(SchemaType::String).optional())
            .field("raw", Schema::new(SchemaType::Bytes))
            .field("tags", Schema::array(Schema::new(SchemaType::String)))
            .field(
                "m",
                Schema::map(
                    Schema::new(SchemaType::String),
                    Schema::new(SchemaType::Int32),
                ),
            )
            .field(
                "inner",
                Schema::new(SchemaType::Struct)
                    .named("com.example.Inner")
                    .field("x", Schema::new(SchemaType::Int32))
                    .optional(),
            )
            .field(
                "amount",
                Schema::decimal(2).parameter(CONNECT_PRECISION, "10"),
            )
            .field("day", Schema::date())
            .field("at", Schema::time())
            .field("ts", Schema::timestamp())
    }

    #[test]
    fn schema_text_and_round_trip() {
        let d = data();
        let s = Arc::new(every_type());
        let p = d.from_connect_schema(&s).unwrap();
        let text = p.text().to_string();
        assert!(
            text.starts_with("syntax = \"proto3\";\npackage com.example;\n"),
            "{text}"
        );
        assert!(text.contains("import \"confluent/meta.proto\";"), "{text}");
        assert!(text.contains("int32 i8 = 1 [(confluent.field_meta) = { params: [{ key: \"connect.type\", value: \"int8\" }] }];"), "{text}");
        assert!(text.contains("repeated string tags = 10;"), "{text}");
        assert!(
            text.contains("repeated ConnectDefault1Entry m = 11;"),
            "{text}"
        );
        assert!(text.contains("Inner inner = 12;"), "{text}");
        assert!(
            text.contains("confluent.type.Decimal amount = 13"),
            "{text}"
        );
        assert!(
            text.contains("google.protobuf.Timestamp ts = 16;"),
            "{text}"
        );
        let inner = s.fields[11].schema.clone();
        let v = Value::Struct(Struct {
            schema: s.clone(),
            values: vec![
                Value::Int8(-3),
                Value::Int16(300),
                Value::Int32(-70_000),
                Value::Int64(1 << 40),
                Value::Float32(1.5),
                Value::Float64(-2.25),
                Value::Boolean(true),
                Value::String("hé".into()),
                Value::Bytes(Bytes::from_static(b"\x00\xff")),
                Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
                Value::Map(vec![(Value::String("k".into()), Value::Int32(7))]),
                Value::Struct(Struct::new(inner).put("x", Value::Int32(5))),
                Value::Bytes(Bytes::from_static(&[0x04, 0xd2])),
                Value::Int32(19_753),
                Value::Int32(45_296_789),
                Value::Int64(1_700_000_000_123),
            ],
        });
        let f = ProtobufFormat::new(ProtobufDataConfig::default());
        let mut out = Vec::new();
        f.encode(&s, &p, &v, &mut out).unwrap();
        assert_eq!(out[0], 0);
        // Read back by its registered text, as a reader would.
        let read = ProtoSchema::parse(&text).unwrap();
        assert!(read == p);
        let rs = Arc::new(f.to_connect_schema(&read, Some(3)).unwrap());
        assert_eq!(rs.name.as_deref(), Some("Every"));
        assert_eq!(rs.version, Some(3));
        assert_eq!(rs.fields[0].schema.schema_type, SchemaType::Int8);
        assert_eq!(rs.fields[12].schema.decimal_scale().unwrap(), 2);
        assert_eq!(rs.fields[12].schema.param(CONNECT_PRECISION), Some("10"));
        assert_eq!(
            rs.fields[10].schema.name.as_deref(),
            Some("connect_default1")
        );
        let back = f.decode(&rs, &read, &out).unwrap();
        let Value::Struct(b) = back else { panic!() };
        let Value::Struct(orig) = v else { panic!() };
        for (i, (x, y)) in orig.values.iter().zip(&b.values).enumerate() {
            if i == 11 {
                let (Value::Struct(x), Value::Struct(y)) = (x, y) else {
                    panic!()
                };
                assert_eq!(x.values, y.values);
            } else {
                assert_eq!(x, y, "field {}", s.fields[i].name);
            }
        }
    }

    #[test]
    fn primitives_as_wrapper_messages() {
        let f = ProtobufFormat::new(ProtobufDataConfig::default());
        let s = Arc::new(Schema::new(SchemaType::String));
        let p = f.from_connect_schema(&s).unwrap();
        assert_eq!(
            f.record_name(&p).as_deref(),
            Some("google.protobuf.StringValue")
        );
        let mut out = Vec::new();
        f.encode(&s, &p, &Value::String("user_1".into()), &mut out)
            .unwrap();
        // Message indexes [7] (StringValue in wrappers.proto), then field 1.
        assert_eq!(out, b"\x02\x0e\x0a\x06user_1");
        let read = f.parse(p.text()).unwrap();
        let rs = Arc::new(f.to_connect_schema(&read, None).unwrap());
        let (schema, v) = f.decode_with_schema(&rs, &read, &out).unwrap();
        assert_eq!(schema.schema_type, SchemaType::String);
        assert_eq!(v, Value::String("user_1".into()));
        let l = Arc::new(Schema::new(SchemaType::Int64));
        let p = f.from_connect_schema(&l).unwrap();
        let mut out = Vec::new();
        f.encode(&l, &p, &Value::Int64(-1), &mut out).unwrap();
        assert_eq!(&out[..2], &[2, 4]);
        assert!(f
            .from_connect_schema(&Schema::array(Schema::new(SchemaType::Int32)))
            .is_err());
    }

    #[test]
    fn enums_and_oneofs_from_registered_text() {
        let text = "syntax = \"proto3\";\npackage shop;\nimport \"google/protobuf/timestamp.proto\";\n\
            message Order {\n  enum Status { NEW = 0; PAID = 1; }\n  Status status = 1;\n  oneof pay { string card = 2; int64 cash = 3; }\n  map<string, int64> qty = 4;\n  google.protobuf.Timestamp at = 5;\n  optional string note = 6;\n}\n";
        let f = ProtobufFormat::new(ProtobufDataConfig::default());
        let p = f.parse(text).unwrap();
        let s = Arc::new(f.to_connect_schema(&p, None).unwrap());
        assert_eq!(s.fields[0].name, "pay_0");
        assert_eq!(
            s.fields[0].schema.name.as_deref(),
            Some("io.confluent.connect.protobuf.Union.pay")
        );
        assert_eq!(s.fields[1].schema.param(ENUM_PARAM), Some("Status"));
        assert_eq!(
            s.fields[1]
                .schema
                .param("io.confluent.connect.protobuf.Enum.PAID"),
            Some("1")
        );
        assert_eq!(s.fields[2].schema.name.as_deref(), Some("qty"));
        // Written again from the Connect schema, the data is the same.
        let mut msg = DynamicMessage::new(p.root().clone());
        msg.set_field_by_name("status", PValue::EnumNumber(1));
        msg.set_field_by_name("cash", PValue::I64(12));
        let mut bytes = vec![0];
        msg.encode(&mut bytes).unwrap();
        let v = f.decode(&s, &p, &bytes).unwrap();
        let Value::Struct(st) = &v else { panic!() };
        assert_eq!(st.get("status"), Some(&Value::String("PAID".into())));
        assert_eq!(st.get("note"), Some(&Value::Null));
        let Some(Value::Struct(u)) = st.get("pay_0") else {
            panic!("{v:?}")
        };
        assert_eq!(u.get("cash"), Some(&Value::Int64(12)));
        let written = f.data().from_connect_schema(&s).unwrap();
        assert!(written.text().contains("oneof pay {"), "{}", written.text());
        assert!(
            written.text().contains("enum Status {"),
            "{}",
            written.text()
        );
        let mut out = Vec::new();
        f.encode(&s, &written, &v, &mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn decimal_precision_is_the_unscaled_digits() {
        let f = ProtobufFormat::new(ProtobufDataConfig::default());
        let s = Arc::new(
            Schema::new(SchemaType::Struct)
                .named("D")
                .field("n", Schema::decimal(0)),
        );
        let p = f.from_connect_schema(&s).unwrap();
        for (unscaled, digits) in [
            (vec![0u8], 1u32),
            (vec![0x09], 1),
            (vec![0x0a], 2),
            (vec![0xff], 1),
            (vec![0x00, 0xff, 0xff], 5),
            (vec![0x7f; 20], 48),
            (vec![0x80; 17], 41),
        ] {
            let v = Value::Struct(
                Struct::new(s.clone()).put("n", Value::Bytes(Bytes::from(unscaled.clone()))),
            );
            let mut out = Vec::new();
            f.encode(&s, &p, &v, &mut out).unwrap();
            let msg = DynamicMessage::decode(p.root().clone(), &out[1..]).unwrap();
            let dec = msg.get_field_by_name("n").unwrap();
            let dec = dec.as_message().unwrap();
            assert_eq!(
                dec.get_field_by_name("precision").unwrap().as_u32(),
                Some(digits),
                "{unscaled:?}"
            );
            let want = BigInt::from_signed_bytes_be(&unscaled);
            let got = dec
                .get_field_by_name("value")
                .unwrap()
                .as_bytes()
                .unwrap()
                .clone();
            assert_eq!(BigInt::from_signed_bytes_be(&got), want);
            assert_eq!(want.magnitude().to_string().len() as u32, digits);
        }
    }

    #[test]
    fn invalid_logical_messages_are_record_errors() {
        let text = "syntax = \"proto3\";\nimport \"google/type/date.proto\";\nimport \"google/protobuf/timestamp.proto\";\nimport \"confluent/type/decimal.proto\";\n\
            message L {\n  google.type.Date d = 1;\n  google.protobuf.Timestamp t = 2;\n  confluent.type.Decimal n = 3;\n}\n";
        let f = ProtobufFormat::new(ProtobufDataConfig::default());
        let p = f.parse(text).unwrap();
        let s = Arc::new(f.to_connect_schema(&p, None).unwrap());
        let sub = |name: &str| match p.root().get_field_by_name(name).unwrap().kind() {
            Kind::Message(m) => m,
            _ => unreachable!(),
        };
        let decode = |field: &str, m: DynamicMessage| {
            let mut msg = DynamicMessage::new(p.root().clone());
            msg.set_field_by_name(field, PValue::Message(m));
            let mut bytes = vec![0];
            msg.encode(&mut bytes).unwrap();
            f.decode(&s, &p, &bytes)
        };
        let mut d = DynamicMessage::new(sub("d"));
        d.set_field_by_name("year", PValue::I32(2023));
        d.set_field_by_name("month", PValue::I32(2));
        d.set_field_by_name("day", PValue::I32(29));
        assert!(decode("d", d.clone()).is_err(), "no 29 February in 2023");
        d.set_field_by_name("day", PValue::I32(28));
        assert!(decode("d", d).is_ok());
        let mut t = DynamicMessage::new(sub("t"));
        t.set_field_by_name("seconds", PValue::I64(i64::MAX / 10));
        assert!(decode("t", t).is_err(), "out of range");
        let mut n = DynamicMessage::new(sub("n"));
        n.set_field_by_name("value", PValue::Bytes(Bytes::from_static(&[1])));
        n.set_field_by_name("scale", PValue::I32(i32::MIN));
        assert!(
            decode("n", n.clone()).is_err(),
            "scale far from the schema's"
        );
        n.set_field_by_name("scale", PValue::I32(-2));
        let Value::Struct(v) = decode("n", n).unwrap() else {
            panic!()
        };
        assert_eq!(
            v.get("n"),
            Some(&Value::Bytes(Bytes::from_static(&[100]))),
            "1E2 at scale 0"
        );
    }

    proptest::proptest! {
        /// Any bytes after the id are refused or read, never a panic (message indexes out
        /// of range, truncated varints, wrong wire types, invalid UTF-8).
        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96)) {
            let f = ProtobufFormat::new(ProtobufDataConfig::default());
            let p = f.data().from_connect_schema(&every_type()).unwrap();
            let read = f.parse(p.text()).unwrap();
            let rs = Arc::new(f.to_connect_schema(&read, None).unwrap());
            let _ = f.decode_with_schema(&rs, &read, &bytes);
        }
    }
}
