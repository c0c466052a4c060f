//! The templates, embedded from `server/templates/new/`: per language, the files of a
//! source, a sink and a transform project, with the output path of each (placeholders
//! allowed).

use super::{Kind, Language};

pub struct Template {
    /// Where it lives under `server/templates/new/` (named in errors).
    pub source: &'static str,
    /// Its path in the generated project.
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! t {
    ($source:literal => $path:literal) => {
        Template {
            source: $source,
            path: $path,
            text: include_str!(concat!("../../templates/new/", $source)),
        }
    };
}

/// Picks the template of `kind`: a source's, a sink's or a transform's.
macro_rules! by_kind {
    ($kind:expr, $source:literal, $sink:literal, $transform:literal => $path:literal) => {
        match $kind {
            Kind::Source => t!($source => $path),
            Kind::Sink => t!($sink => $path),
            Kind::Transform => t!($transform => $path),
        }
    };
}

/// The files of a project of `kind` in `language`.
pub fn files(language: Language, kind: Kind) -> Vec<Template> {
    let mut v = vec![
        t!("worker.properties" => "worker.properties"),
        match kind {
            Kind::Source => t!("source.properties" => "connector.properties"),
            Kind::Sink => t!("sink.properties" => "connector.properties"),
            Kind::Transform => t!("transform.properties" => "transform.properties"),
        },
    ];
    let (gitignore, rest) = match language {
        Language::Python => (
            t!("python/gitignore" => ".gitignore"),
            vec![
                t!("python/README.md" => "README.md"),
                t!("python/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("python/requirements.txt" => "requirements.txt"),
                by_kind!(kind, "python/source.py", "python/sink.py", "python/transform.py" => "{{module}}.py"),
                by_kind!(kind, "python/test_source.py", "python/test_sink.py", "python/test_transform.py" => "test_{{module}}.py"),
            ],
        ),
        Language::Go => (
            t!("go/gitignore" => ".gitignore"),
            vec![
                t!("go/README.md" => "README.md"),
                t!("go/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("go/go.mod" => "go.mod"),
                by_kind!(kind, "go/main.go", "go/main.go", "go/main_transform.go" => "main.go"),
                by_kind!(kind, "go/source.go", "go/sink.go", "go/transform.go" => "{{kind}}.go"),
                by_kind!(kind, "go/source_test.go", "go/sink_test.go", "go/transform_test.go" => "{{kind}}_test.go"),
            ],
        ),
        Language::Typescript => (
            t!("typescript/gitignore" => ".gitignore"),
            vec![
                t!("typescript/README.md" => "README.md"),
                t!("typescript/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("typescript/package.json" => "package.json"),
                t!("typescript/tsconfig.json" => "tsconfig.json"),
                t!("typescript/main.ts" => "src/main.ts"),
                by_kind!(kind, "typescript/source.ts", "typescript/sink.ts", "typescript/transform.ts" => "src/{{kind}}.ts"),
                by_kind!(kind, "typescript/source.test.ts", "typescript/sink.test.ts", "typescript/transform.test.ts" => "test/{{kind}}.test.ts"),
            ],
        ),
        Language::Java => (
            t!("java/gitignore" => ".gitignore"),
            vec![
                t!("java/README.md" => "README.md"),
                t!("java/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("java/pom.xml" => "pom.xml"),
                by_kind!(kind, "java/Main.java", "java/Main.java", "java/MainTransform.java" => "src/main/java/{{package_path}}/Main.java"),
                by_kind!(kind, "java/Source.java", "java/Sink.java", "java/Transform.java" => "src/main/java/{{package_path}}/{{class}}.java"),
                by_kind!(kind, "java/SourceTest.java", "java/SinkTest.java", "java/TransformTest.java" => "src/test/java/{{package_path}}/{{class}}Test.java"),
            ],
        ),
        Language::Rust => (
            t!("rust/gitignore" => ".gitignore"),
            vec![
                t!("rust/README.md" => "README.md"),
                t!("rust/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("rust/Cargo.toml" => "Cargo.toml"),
                t!("rust/main.rs" => "src/main.rs"),
                by_kind!(kind, "rust/source.rs", "rust/sink.rs", "rust/transform.rs" => "src/{{kind}}.rs"),
            ],
        ),
    };
    // One .gitignore: the language's build output, then what running the project leaves.
    v.push(Template {
        source: gitignore.source,
        path: gitignore.path,
        text: gitignore.text,
    });
    v.push(t!("gitignore.common" => ".gitignore"));
    v.extend(rest);
    v
}
