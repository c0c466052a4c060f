//! The names a project is given in each language's conventions, from its project name
//! (`orders-feed`, `--source`): the connector class `OrdersFeedSource`, the Python module
//! `orders_feed`, the Java package `com.example.ordersfeed`, the topic `orders-feed`.

use super::{Kind, Language, SDK_VERSION};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The project name as given: crate, npm package, Maven artifact, binary, plugin name.
    pub name: String,
    pub kind: Kind,
    /// The connector class (PascalCase, ending in `Source` or `Sink`).
    pub class: String,
    /// A Python module name (snake_case).
    pub module: String,
    /// A Java package.
    pub package: String,
    /// The topic the connector writes to or reads from.
    pub topic: String,
}

impl Names {
    /// None when `name` is not a project name: lowercase letters, digits, `-` and `_`,
    /// starting with a letter, at most 64 characters.
    pub fn new(name: &str, kind: Kind) -> Option<Names> {
        let ok = (1..=64).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            return None;
        }
        let words: Vec<&str> = name.split(['-', '_']).filter(|w| !w.is_empty()).collect();
        let mut class: String = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let suffix = match kind {
            Kind::Source => "Source",
            Kind::Sink => "Sink",
            Kind::Transform => "Transform",
        };
        if !class.ends_with(suffix) {
            class.push_str(suffix);
        }
        Some(Names {
            name: name.to_string(),
            kind,
            class,
            module: words.join("_"),
            package: format!("com.example.{}", words.concat()),
            topic: name.to_string(),
        })
    }

    /// The word `language` reserves that this project would take as its package, module or
    /// crate name (a Java package segment, a Python module, a Rust crate), if any.
    pub fn reserved(&self, language: Language) -> Option<String> {
        const JAVA: &[&str] = &[
            "abstract",
            "assert",
            "boolean",
            "break",
            "byte",
            "case",
            "catch",
            "char",
            "class",
            "const",
            "continue",
            "default",
            "do",
            "double",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "float",
            "for",
            "goto",
            "if",
            "implements",
            "import",
            "instanceof",
            "int",
            "interface",
            "long",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "short",
            "static",
            "strictfp",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "void",
            "volatile",
            "while",
            "true",
            "false",
            "null",
            "var",
            "yield",
            "record",
        ];
        // Keywords, and the modules the project imports (a module of the same name would
        // shadow them).
        const PYTHON: &[&str] = &[
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "class",
            "continue",
            "def",
            "del",
            "elif",
            "else",
            "except",
            "finally",
            "for",
            "from",
            "global",
            "if",
            "import",
            "in",
            "is",
            "lambda",
            "nonlocal",
            "not",
            "or",
            "pass",
            "raise",
            "return",
            "try",
            "while",
            "with",
            "yield",
            "polyconnect",
            "test",
            "unittest",
            "json",
            "logging",
        ];
        // Keywords and the names Cargo refuses for a package.
        const RUST: &[&str] = &[
            "as",
            "async",
            "await",
            "break",
            "const",
            "continue",
            "crate",
            "dyn",
            "else",
            "enum",
            "extern",
            "false",
            "fn",
            "for",
            "if",
            "impl",
            "in",
            "let",
            "loop",
            "match",
            "mod",
            "move",
            "mut",
            "pub",
            "ref",
            "return",
            "self",
            "static",
            "struct",
            "super",
            "trait",
            "true",
            "type",
            "unsafe",
            "use",
            "where",
            "while",
            "abstract",
            "become",
            "box",
            "do",
            "final",
            "macro",
            "override",
            "priv",
            "typeof",
            "unsized",
            "virtual",
            "yield",
            "try",
            "gen",
            "test",
            "core",
            "std",
            "alloc",
            "proc_macro",
        ];
        let (word, reserved) = match language {
            Language::Java => (self.package.rsplit('.').next().unwrap_or_default(), JAVA),
            Language::Python => (self.module.as_str(), PYTHON),
            Language::Rust => (self.module.as_str(), RUST),
            Language::Go | Language::Typescript => return None,
        };
        reserved.contains(&word).then(|| word.to_string())
    }

    /// The placeholders of the templates and their values.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        let (what, plugin_type) = match self.kind {
            Kind::Source => ("source connector", "source"),
            Kind::Sink => ("sink connector", "sink"),
            Kind::Transform => ("transform", "transformation"),
        };
        let check_line = match self.kind {
            Kind::Source => format!(
                "Conformance: `polyconnect conformance --plugin-dir . --config topic={} --config count=100000`",
                self.topic
            ),
            Kind::Sink => "Conformance: `polyconnect conformance --plugin-dir .`".to_string(),
            Kind::Transform => "Use: add `transform.properties` to a connector's configuration, and this directory to the worker's `plugin.path` beside the connector's".to_string(),
        };
        let run_line = match self.kind {
            Kind::Transform => "Run: `polyconnect standalone worker.properties <connector>.properties` (from this directory, with the connector's directory added to `plugin.path` in worker.properties; Kafka at `bootstrap.servers`, REST API on `listeners`)",
            _ => "Run: `polyconnect standalone worker.properties connector.properties` (from this directory; Kafka at `bootstrap.servers` in worker.properties, REST API on `listeners`)",
        };
        vec![
            ("name", self.name.clone()),
            ("kind", self.kind.name().to_string()),
            ("what", what.to_string()),
            ("plugin_type", plugin_type.to_string()),
            ("check_line", check_line),
            ("run_line", run_line.to_string()),
            ("class", self.class.clone()),
            ("module", self.module.clone()),
            ("package", self.package.clone()),
            ("package_path", self.package.replace('.', "/")),
            ("topic", self.topic.clone()),
            ("sdk_version", SDK_VERSION.to_string()),
        ]
    }
}
