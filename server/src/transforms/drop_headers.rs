//! DropHeaders: removes the headers with the given names.

use super::config::Settings;
use super::record::ConnectRecord;
use super::{TransformError, Transformation};

pub struct DropHeaders {
    headers: Vec<String>,
}

impl DropHeaders {
    pub fn configure(s: &mut Settings) -> Option<DropHeaders> {
        let headers = s.valid_list("headers", super::config::Default::Required, false)?;
        Some(DropHeaders { headers })
    }
}

impl Transformation for DropHeaders {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        r.headers
            .retain(|h| !self.headers.iter().any(|n| *n == h.key));
        Ok(Some(r))
    }
}
