//! Filter: drops every record it is applied to (use it with a predicate).

use super::record::ConnectRecord;
use super::{TransformError, Transformation};

pub struct Filter;

impl Transformation for Filter {
    fn apply(&self, _r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        Ok(None)
    }
}
