//! The templates, embedded from `server/templates/new/`: per language, the files of a
//! source and of a sink project, with the output path of each (placeholders allowed).

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

/// The files of a project of `kind` in `language` (`kind` is a source or a sink).
pub fn files(language: Language, kind: Kind) -> Vec<Template> {
    let sink = kind == Kind::Sink;
    let mut v = vec![
        t!("worker.properties" => "worker.properties"),
        if sink {
            t!("sink.properties" => "connector.properties")
        } else {
            t!("source.properties" => "connector.properties")
        },
    ];
    let (gitignore, rest) = match language {
        Language::Python => (
            t!("python/gitignore" => ".gitignore"),
            vec![
                t!("python/README.md" => "README.md"),
                t!("python/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("python/requirements.txt" => "requirements.txt"),
                if sink {
                    t!("python/sink.py" => "{{module}}.py")
                } else {
                    t!("python/source.py" => "{{module}}.py")
                },
                if sink {
                    t!("python/test_sink.py" => "test_{{module}}.py")
                } else {
                    t!("python/test_source.py" => "test_{{module}}.py")
                },
            ],
        ),
        Language::Go => (
            t!("go/gitignore" => ".gitignore"),
            vec![
                t!("go/README.md" => "README.md"),
                t!("go/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("go/go.mod" => "go.mod"),
                t!("go/main.go" => "main.go"),
                if sink {
                    t!("go/sink.go" => "sink.go")
                } else {
                    t!("go/source.go" => "source.go")
                },
                if sink {
                    t!("go/sink_test.go" => "sink_test.go")
                } else {
                    t!("go/source_test.go" => "source_test.go")
                },
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
                if sink {
                    t!("typescript/sink.ts" => "src/sink.ts")
                } else {
                    t!("typescript/source.ts" => "src/source.ts")
                },
                if sink {
                    t!("typescript/sink.test.ts" => "test/sink.test.ts")
                } else {
                    t!("typescript/source.test.ts" => "test/source.test.ts")
                },
            ],
        ),
        Language::Java => (
            t!("java/gitignore" => ".gitignore"),
            vec![
                t!("java/README.md" => "README.md"),
                t!("java/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("java/pom.xml" => "pom.xml"),
                t!("java/Main.java" => "src/main/java/{{package_path}}/Main.java"),
                if sink {
                    t!("java/Sink.java" => "src/main/java/{{package_path}}/{{class}}.java")
                } else {
                    t!("java/Source.java" => "src/main/java/{{package_path}}/{{class}}.java")
                },
                if sink {
                    t!("java/SinkTest.java" => "src/test/java/{{package_path}}/{{class}}Test.java")
                } else {
                    t!("java/SourceTest.java" => "src/test/java/{{package_path}}/{{class}}Test.java")
                },
            ],
        ),
        Language::Rust => (
            t!("rust/gitignore" => ".gitignore"),
            vec![
                t!("rust/README.md" => "README.md"),
                t!("rust/polyconnect-plugin.json" => "polyconnect-plugin.json"),
                t!("rust/Cargo.toml" => "Cargo.toml"),
                t!("rust/main.rs" => "src/main.rs"),
                if sink {
                    t!("rust/sink.rs" => "src/sink.rs")
                } else {
                    t!("rust/source.rs" => "src/source.rs")
                },
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
