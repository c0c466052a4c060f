use super::*;

fn all() -> Vec<(Language, Kind, Vec<File>)> {
    let mut out = Vec::new();
    for language in Language::ALL {
        for &kind in language.kinds() {
            out.push((
                language,
                kind,
                render(language, kind, "orders-feed", None).unwrap(),
            ));
        }
    }
    out
}

fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
        .text
}

#[test]
fn names_follow_each_language_s_conventions() {
    let n = Names::new("orders-feed", Kind::Source).unwrap();
    assert_eq!(n.class, "OrdersFeedSource");
    assert_eq!(n.module, "orders_feed");
    assert_eq!(n.package, "com.example.ordersfeed");
    assert_eq!(n.topic, "orders-feed");
    assert_eq!(Names::new("my_sink", Kind::Sink).unwrap().class, "MySink");
    assert_eq!(
        Names::new("np-go-12-34", Kind::Sink).unwrap().class,
        "NpGo1234Sink"
    );
    for bad in [
        "",
        "Orders",
        "1orders",
        "orders feed",
        "orders/feed",
        "ünï",
        &"a".repeat(65),
    ] {
        assert!(Names::new(bad, Kind::Source).is_none(), "{bad:?}");
        assert!(matches!(
            render(Language::Python, Kind::Source, bad, None),
            Err(NewError::InvalidName(_))
        ));
    }
}

#[test]
fn every_template_is_rendered_without_a_placeholder_left() {
    for (language, kind, files) in all() {
        assert!(!files.is_empty());
        for f in &files {
            assert!(
                !f.path.contains("{{") && !f.text.contains("{{"),
                "{language:?} {kind:?} {}",
                f.path
            );
            assert!(!f.path.contains("}}"), "{language:?} {kind:?} {}", f.path);
        }
        for common in [
            "README.md",
            ".gitignore",
            "polyconnect-plugin.json",
            "worker.properties",
        ] {
            file(&files, common);
        }
        match kind {
            Kind::Transform => file(&files, "transform.properties"),
            _ => file(&files, "connector.properties"),
        };
    }
}

#[test]
fn names_are_substituted_where_each_language_expects_them() {
    for (language, kind, files) in all() {
        let class = match kind {
            Kind::Source => "OrdersFeedSource",
            Kind::Sink => "OrdersFeedSink",
            Kind::Transform => "OrdersFeedTransform",
        };
        let manifest: serde_json::Value =
            serde_json::from_str(file(&files, "polyconnect-plugin.json")).unwrap();
        assert_eq!(manifest["name"], "orders-feed");
        assert_eq!(manifest["plugins"][0]["class"], class, "{language:?}");
        let plugin_type = match kind {
            Kind::Transform => "transformation",
            k => k.name(),
        };
        assert_eq!(manifest["plugins"][0]["type"], plugin_type);
        let command: Vec<&str> = manifest["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let readme = file(&files, "README.md");
        assert_eq!(readme.lines().count(), 5, "{readme}");
        if kind == Kind::Transform {
            let chain = file(&files, "transform.properties");
            assert!(
                chain.contains(&format!(
                    "\ntransforms=orders_feed\ntransforms.orders_feed.type={class}\n"
                )),
                "{chain}"
            );
            assert!(readme.contains("a Polyconnect transform in"), "{readme}");
            for step in ["Build:", "Test:", "Use:", "Run:"] {
                assert!(readme.contains(step), "{language:?}: {readme}");
            }
        } else {
            let connector = file(&files, "connector.properties");
            assert!(
                connector.contains(&format!("connector.class={class}\n")),
                "{connector}"
            );
            assert!(
                readme.contains(&format!("a Polyconnect {} connector in", kind.name())),
                "{readme}"
            );
            for step in ["Build:", "Test:", "Conformance:", "Run:"] {
                assert!(readme.contains(step), "{language:?}: {readme}");
            }
        }
        match language {
            Language::Python => {
                assert_eq!(
                    command,
                    [
                        "${plugin.dir}/.venv/bin/python",
                        "${plugin.dir}/orders_feed.py"
                    ]
                );
                assert!(file(&files, "orders_feed.py").contains(&format!("class {class}(")));
                assert!(file(&files, "test_orders_feed.py").contains("from orders_feed import"));
                assert_eq!(file(&files, "requirements.txt"), "polyconnect-sdk==1.0.0\n");
            }
            Language::Go => {
                assert_eq!(command, ["${plugin.dir}/bin/orders-feed"]);
                let gomod = file(&files, "go.mod");
                assert!(
                    gomod.contains("require github.com/polyconnect/polyconnect/clients/go v1.0.0")
                );
                assert!(file(&files, &format!("{}.go", kind.name()))
                    .contains(&format!("Class: \"{class}\"")));
                file(&files, &format!("{}_test.go", kind.name()));
            }
            Language::Typescript => {
                assert_eq!(command, ["node", "${plugin.dir}/build/src/main.js"]);
                let pkg: serde_json::Value =
                    serde_json::from_str(file(&files, "package.json")).unwrap();
                assert_eq!(pkg["name"], "orders-feed");
                assert_eq!(pkg["dependencies"]["@polyconnect/sdk"], "1.0.0");
                assert!(file(&files, "src/main.ts").contains(&format!("await serve({class});")));
                assert!(file(&files, &format!("src/{}.ts", kind.name()))
                    .contains(&format!("export class {class} extends")));
                file(&files, &format!("test/{}.test.ts", kind.name()));
            }
            Language::Java => {
                let java = format!("src/main/java/com/example/ordersfeed/{class}.java");
                assert!(file(&files, &java).starts_with("package com.example.ordersfeed;"));
                let declared = match kind {
                    Kind::Transform => format!("public class {class} implements Transformation"),
                    _ => format!("public class {class} extends"),
                };
                assert!(file(&files, &java).contains(&declared));
                file(
                    &files,
                    &format!("src/test/java/com/example/ordersfeed/{class}Test.java"),
                );
                assert_eq!(command.last(), Some(&"com.example.ordersfeed.Main"));
                assert!(command
                    .contains(&"${plugin.dir}/target/orders-feed.jar:${plugin.dir}/target/lib/*"));
                let pom = file(&files, "pom.xml");
                assert!(pom.contains("<artifactId>orders-feed</artifactId>"));
                assert!(pom.contains(
                    "<artifactId>polyconnect-sdk</artifactId>\n      <version>1.0.0</version>"
                ));
            }
            Language::Rust => {
                assert_eq!(command, ["${plugin.dir}/target/release/orders-feed"]);
                assert!(file(&files, "Cargo.toml").contains("name = \"orders-feed\""));
                assert!(file(&files, "src/main.rs").contains(&format!("{}::{class}", kind.name())));
                assert!(!files.iter().any(|f| f.path == ".cargo/config.toml"));
            }
        }
    }
}

#[test]
fn generated_files_hold_no_path_into_the_repository() {
    let repo = env!("CARGO_MANIFEST_DIR").trim_end_matches("/server");
    for (language, kind, files) in all() {
        for f in &files {
            assert!(!f.text.contains(repo), "{language:?} {kind:?} {}", f.path);
            // A path out of the project (test/ to src/ is inside it).
            assert!(
                !f.text.contains("../../"),
                "{language:?} {kind:?} {}",
                f.path
            );
        }
    }
}

#[test]
fn the_rust_sdk_package_is_patched_in_when_given() {
    let files = render(
        Language::Rust,
        Kind::Source,
        "orders",
        Some(Path::new("/opt/pkgs")),
    )
    .unwrap();
    let config = file(&files, ".cargo/config.toml");
    assert!(config.contains("[patch.crates-io]\npolyconnect-sdk = { path = \"/opt/pkgs/rust/polyconnect-sdk-1.0.0\" }"), "{config}");
}

#[test]
fn a_name_the_language_reserves_is_refused() {
    for (language, name, word) in [
        (Language::Java, "new", "new"),
        (Language::Python, "class", "class"),
        (Language::Python, "polyconnect", "polyconnect"),
        (Language::Rust, "fn", "fn"),
    ] {
        let e = render(language, Kind::Source, name, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!(
                "would be \"{word}\", which {} reserves",
                language.title()
            )),
            "{e}"
        );
    }
    // Another language takes it.
    render(Language::Go, Kind::Source, "new", None).unwrap();
    render(Language::Java, Kind::Source, "class-feed", None).unwrap();
}

#[test]
fn every_language_makes_a_transform_project() {
    for language in Language::ALL {
        assert!(language.kinds().contains(&Kind::Transform), "{language:?}");
        let files = render(language, Kind::Transform, "orders", None).unwrap();
        // Served as a transformation, its default prefix in the definition and the chain.
        let manifest: serde_json::Value =
            serde_json::from_str(file(&files, "polyconnect-plugin.json")).unwrap();
        assert_eq!(manifest["plugins"][0]["class"], "OrdersTransform");
        assert_eq!(manifest["plugins"][0]["type"], "transformation");
        assert!(
            files
                .iter()
                .filter(|f| f.path != "transform.properties")
                .any(|f| f.text.contains("transformed-")),
            "{language:?}"
        );
        assert!(file(&files, "transform.properties")
            .contains("transforms.orders.topic.prefix=transformed-\n"));
        assert!(!files.iter().any(|f| f.path == "connector.properties"));
    }
}

#[test]
fn creates_a_project_in_a_new_or_empty_directory_only() {
    let root = tempfile::tempdir().unwrap();
    let opts = |dir: &Path| Options {
        language: Language::Python,
        kind: Kind::Sink,
        name: "orders".into(),
        dir: Some(dir.to_path_buf()),
        sdk_packages: None,
    };
    let new = root.path().join("a/b");
    assert_eq!(create(&opts(&new)).unwrap(), new);
    assert!(new.join("orders.py").is_file() && new.join(".gitignore").is_file());
    let gitignore = std::fs::read_to_string(new.join(".gitignore")).unwrap();
    assert!(
        gitignore.contains(".venv/") && gitignore.contains("offsets/"),
        "{gitignore}"
    );

    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    create(&opts(&empty)).unwrap();

    let busy = root.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let e = create(&opts(&busy)).unwrap_err();
    assert!(matches!(e, NewError::NotEmpty(_)), "{e}");
    assert!(e.to_string().contains("is not empty"));
    assert_eq!(
        std::fs::read_dir(&busy).unwrap().count(),
        1,
        "nothing written"
    );

    let a_file = root.path().join("file");
    std::fs::write(&a_file, "").unwrap();
    assert!(matches!(
        create(&opts(&a_file)),
        Err(NewError::NotADirectory(_))
    ));
}
