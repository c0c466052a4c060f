//! `polyconnect new <language> <name> [--source|--sink|--transform]`: a connector project
//! that builds, passes `polyconnect conformance` and runs with `polyconnect standalone`
//! as it is generated; or a transform project that builds, passes its tests and runs in a
//! connector's chain once its directory is on `plugin.path`.
//!
//! The templates are files under `server/templates/new/`, embedded in the binary
//! (`templates.rs`); `{{placeholder}}`s in their text and in their output paths are replaced
//! by the names derived from the project name (`names.rs`).
//!
//! Invariants:
//! - a project is only ever written into an empty or new directory: nothing is overwritten;
//! - no placeholder is left in a generated file (checked before anything is written);
//! - the generated files never point into this repository: the SDKs come from their
//!   packages (`scripts/sdk-packages.sh`), and the only absolute path ever written is the
//!   Rust SDK package's, in `.cargo/config.toml`, when `--sdk-packages` names one.

mod names;
mod templates;

use std::path::{Path, PathBuf};

pub use names::Names;

/// The version of every SDK the templates depend on.
pub const SDK_VERSION: &str = "1.0.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Python,
    Go,
    Typescript,
    Java,
    Rust,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Python,
        Language::Go,
        Language::Typescript,
        Language::Java,
        Language::Rust,
    ];

    /// The language's name as people write it.
    pub fn title(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::Go => "Go",
            Language::Typescript => "TypeScript",
            Language::Java => "Java",
            Language::Rust => "Rust",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Go => "go",
            Language::Typescript => "typescript",
            Language::Java => "java",
            Language::Rust => "rust",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.name() == s)
    }

    /// The plugin kinds this language's SDK serves: every SDK serves source and sink
    /// connectors and transforms (the protocol's `Transform` service, ADR 0016).
    pub fn kinds(self) -> &'static [Kind] {
        &[Kind::Source, Kind::Sink, Kind::Transform]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Source,
    Sink,
    Transform,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Sink => "sink",
            Kind::Transform => "transform",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub language: Language,
    pub kind: Kind,
    pub name: String,
    /// Where to create the project (default `./<name>`); must be empty or not exist.
    pub dir: Option<PathBuf>,
    /// The output of `scripts/sdk-packages.sh`: the Rust project's `.cargo/config.toml`
    /// patches `polyconnect-sdk` to the crate in it.
    pub sdk_packages: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("{0:?} is not a project name: use lowercase letters, digits, '-' and '_', starting with a letter (at most 64 characters)")]
    InvalidName(String),
    #[error("{0:?} cannot be a {2} project's name: its package or module would be {1:?}, which {2} reserves; choose another name")]
    ReservedName(String, String, &'static str),
    #[error("the {language} SDK has no {kind} plugins; it serves: {supported}")]
    Unsupported {
        language: &'static str,
        kind: &'static str,
        supported: String,
    },
    #[error("{0} is not empty: give a new or empty directory with --dir")]
    NotEmpty(PathBuf),
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {0} left a placeholder unreplaced: {1}")]
    Placeholder(String, String),
}

/// A file of a project: its path inside the project and its text.
#[derive(Debug, Clone)]
pub struct File {
    pub path: String,
    pub text: String,
}

/// The files of a project, rendered but not written.
pub fn render(
    language: Language,
    kind: Kind,
    name: &str,
    sdk_packages: Option<&Path>,
) -> Result<Vec<File>, NewError> {
    if !language.kinds().contains(&kind) {
        return Err(NewError::Unsupported {
            language: language.name(),
            kind: kind.name(),
            supported: language
                .kinds()
                .iter()
                .map(|k| format!("--{}", k.name()))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let names = Names::new(name, kind).ok_or_else(|| NewError::InvalidName(name.to_string()))?;
    if let Some(word) = names.reserved(language) {
        return Err(NewError::ReservedName(
            name.to_string(),
            word,
            language.title(),
        ));
    }
    let vars = names.vars();
    let mut files = Vec::new();
    for t in templates::files(language, kind) {
        let path = substitute(t.path, &vars);
        let text = substitute(t.text, &vars);
        if let Some(left) = leftover(&path).or_else(|| leftover(&text)) {
            return Err(NewError::Placeholder(t.source.to_string(), left));
        }
        // Templates with the same output path are joined (the .gitignore's two parts).
        match files.iter_mut().find(|f: &&mut File| f.path == path) {
            Some(f) => f.text.push_str(&text),
            None => files.push(File { path, text }),
        }
    }
    if let (Language::Rust, Some(dir)) = (language, sdk_packages) {
        let crate_dir = dir
            .join("rust")
            .join(format!("polyconnect-sdk-{SDK_VERSION}"));
        files.push(File {
            path: ".cargo/config.toml".into(),
            text: format!(
                "# polyconnect-sdk from its package (scripts/sdk-packages.sh) while it is not on crates.io.\n\
                 [patch.crates-io]\npolyconnect-sdk = {{ path = {:?} }}\n",
                crate_dir.display().to_string()
            ),
        });
    }
    Ok(files)
}

/// Creates the project; returns its directory.
pub fn create(opts: &Options) -> Result<PathBuf, NewError> {
    let files = render(
        opts.language,
        opts.kind,
        &opts.name,
        opts.sdk_packages.as_deref(),
    )?;
    let dir = opts
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&opts.name));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewError::Io { path, source }
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(NewError::NotADirectory(dir));
        }
        if std::fs::read_dir(&dir).map_err(io(&dir))?.next().is_some() {
            return Err(NewError::NotEmpty(dir));
        }
    }
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, &f.text).map_err(io(&path))?;
    }
    Ok(dir)
}

fn substitute(text: &str, vars: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

fn leftover(text: &str) -> Option<String> {
    let start = text.find("{{")?;
    Some(text[start..].chars().take(40).collect())
}

#[cfg(test)]
mod tests;
