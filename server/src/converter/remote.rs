//! A converter a plugin process serves (a Kafka Connect `Converter` from a plugin directory,
//! run by the bridge), over the protocol's `Converter` service: one stream per task and
//! role, opened when the task starts, and whole batches per round trip (ADR 0018).
//!
//! The runners convert with it through [`RemoteConverter::from_connect_batch`] and
//! [`RemoteConverter::to_connect_batch`]; its per-record [`Converter`] methods refuse, as a
//! record never goes through it alone.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::{Converter, HeaderConverter};
use crate::data::{DataError, SchemaAndValue};
use crate::error_handling::{Failure, Stage};
use crate::plugin::streams::{ConverterData, ConverterInput, ConverterOutcome, ConverterStream};

pub struct RemoteConverter {
    /// The class as the config names it.
    pub class: String,
    /// Its settings, without the `key.converter.` / `value.converter.` /
    /// `header.converter.` prefix.
    pub settings: BTreeMap<String, String>,
    pub is_key: bool,
    /// A `header.converter` (a Kafka Connect HeaderConverter).
    pub is_header: bool,
    stream: tokio::sync::Mutex<Option<ConverterStream>>,
}

/// One record's conversion: the result, or the record's failure for the error handler.
pub type Converted<T> = Result<T, Failure>;

impl RemoteConverter {
    pub fn new(class: &str, settings: BTreeMap<String, String>, is_key: bool) -> RemoteConverter {
        RemoteConverter {
            class: class.to_string(),
            settings,
            is_key,
            is_header: false,
            stream: tokio::sync::Mutex::new(None),
        }
    }

    /// A `header.converter`.
    pub fn header(class: &str, settings: BTreeMap<String, String>) -> RemoteConverter {
        RemoteConverter {
            is_header: true,
            ..RemoteConverter::new(class, settings, false)
        }
    }

    /// `key.converter`, `value.converter` or `header.converter`.
    pub fn role(&self) -> &'static str {
        if self.is_header {
            "header.converter"
        } else if self.is_key {
            "key.converter"
        } else {
            "value.converter"
        }
    }

    fn stage(&self) -> Stage {
        if self.is_header {
            Stage::HeaderConverter
        } else if self.is_key {
            Stage::KeyConverter
        } else {
            Stage::ValueConverter
        }
    }

    /// The stream the task opened for this converter.
    pub async fn set_stream(&self, s: ConverterStream) {
        *self.stream.lock().await = Some(s);
    }

    /// Stops the instance, if its stream is open.
    pub async fn stop(&self) {
        if let Some(mut s) = self.stream.lock().await.take() {
            s.stop().await;
        }
    }

    fn failure(&self, e: crate::plugin::streams::ConnectorError) -> Failure {
        let class = if e.error_class.is_empty() {
            crate::error_handling::DATA_EXCEPTION.to_string()
        } else {
            e.error_class
        };
        let mut f = Failure::new(self.stage(), &self.class, class, e.message);
        f.detail = e.detail;
        f
    }

    fn broken(&self, e: impl std::fmt::Display) -> String {
        format!("{} {} failed: {e}", self.role(), self.class)
    }

    /// Kafka Connect data to bytes for a batch of records, in one round trip. `Err` is a
    /// failure of the converter as a whole (the task fails with it).
    pub async fn from_connect_batch(
        &self,
        records: Vec<ConverterData>,
    ) -> Result<Vec<Converted<Option<Bytes>>>, String> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut guard = self.stream.lock().await;
        let s = guard.as_mut().ok_or_else(|| self.not_connected())?;
        let out = s
            .from_connect(records, None)
            .await
            .map_err(|e| self.broken(e))?;
        out.into_iter()
            .map(|o| match o {
                ConverterOutcome::Serialized(b) => Ok(Ok(b)),
                ConverterOutcome::Failed(e) => Ok(Err(self.failure(e))),
                ConverterOutcome::Data(_) => Err(self.broken("it answered data for bytes")),
            })
            .collect()
    }

    /// Bytes to Kafka Connect data for a batch of records, in one round trip.
    pub async fn to_connect_batch(
        &self,
        records: Vec<ConverterInput>,
    ) -> Result<Vec<Converted<SchemaAndValue>>, String> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let mut guard = self.stream.lock().await;
        let s = guard.as_mut().ok_or_else(|| self.not_connected())?;
        let out = s
            .to_connect(records, None)
            .await
            .map_err(|e| self.broken(e))?;
        out.into_iter()
            .map(|o| match o {
                ConverterOutcome::Data(sv) => Ok(Ok(sv)),
                ConverterOutcome::Failed(e) => Ok(Err(self.failure(e))),
                ConverterOutcome::Serialized(_) => Err(self.broken("it answered bytes for data")),
            })
            .collect()
    }

    fn not_connected(&self) -> String {
        format!(
            "{} {} is not connected to its plugin process",
            self.role(),
            self.class
        )
    }
}

impl Converter for RemoteConverter {
    fn from_connect(
        &self,
        _topic: &str,
        _data: SchemaAndValue,
    ) -> Result<Option<Bytes>, DataError> {
        Err(DataError::new(format!(
            "{} {} runs out of process and converts whole batches only",
            self.role(),
            self.class
        )))
    }

    fn to_connect(&self, _topic: &str, _bytes: Option<&[u8]>) -> Result<SchemaAndValue, DataError> {
        Err(DataError::new(format!(
            "{} {} runs out of process and converts whole batches only",
            self.role(),
            self.class
        )))
    }

    fn remote(&self) -> Option<&RemoteConverter> {
        Some(self)
    }
}

impl HeaderConverter for RemoteConverter {
    fn from_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        _schema: Option<&crate::data::Schema>,
        _value: &crate::data::Value,
    ) -> Result<Option<Bytes>, DataError> {
        Err(DataError::new(format!(
            "{} {} runs out of process and converts whole batches only",
            self.role(),
            self.class
        )))
    }

    fn to_connect_header(
        &self,
        _topic: &str,
        _header_key: &str,
        _bytes: Option<&[u8]>,
    ) -> Result<SchemaAndValue, DataError> {
        Err(DataError::new(format!(
            "{} {} runs out of process and converts whole batches only",
            self.role(),
            self.class
        )))
    }

    fn remote(&self) -> Option<&RemoteConverter> {
        Some(self)
    }
}
