//! TimestampRouter: the topic becomes `topic.format` with `${topic}` and `${timestamp}`
//! (the record timestamp in `timestamp.format`, a SimpleDateFormat pattern, UTC).

use super::config::{Default, Settings};
use super::record::ConnectRecord;
use super::util::data_err;
use super::{TransformError, Transformation};
use crate::converter::datefmt::DateFormat;

pub struct TimestampRouter {
    topic_format: String,
    format: DateFormat,
}

impl TimestampRouter {
    pub fn configure(s: &mut Settings) -> Option<TimestampRouter> {
        let topic_format = s.string("topic.format", Default::Value("${topic}-${timestamp}"));
        let ts = s.string("timestamp.format", Default::Value("yyyyMMdd"))?;
        // Kafka Connect only finds a bad pattern when the first record arrives; it is
        // reported here instead.
        let format = match DateFormat::new(&ts) {
            Ok(f) => f,
            Err(e) => {
                s.invalid("timestamp.format", &ts, &e);
                return None;
            }
        };
        Some(TimestampRouter {
            topic_format: topic_format?,
            format,
        })
    }
}

impl Transformation for TimestampRouter {
    fn apply(&self, mut r: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let Some(ts) = r.timestamp else {
            return Err(data_err(format!(
                "Timestamp missing on record: ConnectRecord{{topic='{}', kafkaPartition={}, timestamp=null}}",
                r.topic,
                r.kafka_partition.map(|p| p.to_string()).unwrap_or_else(|| "null".into())
            )));
        };
        let formatted = self.format.format(ts);
        r.topic = self
            .topic_format
            .replace("${topic}", &r.topic)
            .replace("${timestamp}", &formatted);
        Ok(Some(r))
    }
}
