mod {{kind}};

use polyconnect_sdk::{serve, Plugin};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    serve([Plugin::{{kind}}::<{{kind}}::{{class}}>()]).await
}
