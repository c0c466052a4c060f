//! Compiles the protocol with protox (a pure-Rust protobuf compiler), so building the core
//! needs no `protoc` on the machine.

const PROTOS: &[&str] = &[
    "polyconnect/v1/data.proto",
    "polyconnect/v1/connector.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fds = protox::compile(PROTOS, ["."])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .bytes(".")
        .compile_fds(fds)?;
    for p in PROTOS {
        println!("cargo:rerun-if-changed={p}");
    }
    Ok(())
}
