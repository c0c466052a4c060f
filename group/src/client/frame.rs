//! Kafka's framing: every request and response is an int32 size followed by that many bytes,
//! a header (request: api key, version, correlation id, client id; response: correlation id)
//! and the message body. Pure functions, so they are tested without a socket.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, StrBytes};
use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest response frame accepted. Group responses are small; the limit only stops a
/// garbage size prefix (a TLS alert, an HTTP server on the port) from allocating gigabytes.
pub(crate) const MAX_FRAME: usize = 64 * 1024 * 1024;

/// The header version of a response: ApiVersions answers with header v0 whatever the request
/// version, so that a client can read the answer before it knows what the broker speaks.
pub(crate) fn response_header_version(api: ApiKey, version: i16) -> i16 {
    if api == ApiKey::ApiVersions {
        0
    } else {
        api.response_header_version(version)
    }
}

/// One request as it goes on the wire, size prefix included.
pub(crate) fn encode_request<R: Encodable>(
    api: ApiKey,
    version: i16,
    correlation_id: i32,
    client_id: &str,
    body: &R,
) -> Result<Bytes, String> {
    let header = RequestHeader::default()
        .with_request_api_key(api as i16)
        .with_request_api_version(version)
        .with_correlation_id(correlation_id)
        .with_client_id(Some(StrBytes::from_string(client_id.to_string())));
    let mut buf = BytesMut::with_capacity(128);
    buf.put_i32(0);
    header
        .encode(&mut buf, api.request_header_version(version))
        .map_err(|e| format!("encoding the {api:?} v{version} request header: {e}"))?;
    body.encode(&mut buf, version)
        .map_err(|e| format!("encoding {api:?} v{version}: {e}"))?;
    let size = i32::try_from(buf.len() - 4).map_err(|_| "request too large".to_string())?;
    buf[..4].copy_from_slice(&size.to_be_bytes());
    Ok(buf.freeze())
}

/// The correlation id of a response frame (size prefix already removed). It is the first
/// field of every response header version, so it can be read before knowing which request
/// the frame answers.
pub(crate) fn correlation_id(frame: &[u8]) -> Option<i32> {
    let b: [u8; 4] = frame.get(..4)?.try_into().ok()?;
    Some(i32::from_be_bytes(b))
}

/// Decodes a response frame (size prefix removed) of the given request.
pub(crate) fn decode_response<R: Decodable>(
    api: ApiKey,
    version: i16,
    mut frame: Bytes,
) -> Result<R, String> {
    ResponseHeader::decode(&mut frame, response_header_version(api, version))
        .map_err(|e| format!("decoding the {api:?} v{version} response header: {e}"))?;
    let body = R::decode(&mut frame, version)
        .map_err(|e| format!("decoding the {api:?} v{version} response: {e}"))?;
    Ok(body)
}

/// The error code that opens an ApiVersions response body, whatever its version. A broker
/// that does not speak our ApiVersions version answers UNSUPPORTED_VERSION in the v0 layout.
pub(crate) fn api_versions_error_code(frame: &[u8]) -> Option<i16> {
    let mut body = frame.get(4..6)?;
    Some(body.get_i16())
}

/// Reads one frame; `Ok(None)` at a clean end of stream between frames.
pub(crate) async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<Bytes>> {
    let mut size = [0u8; 4];
    match reader.read_exact(&mut size).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let size = i32::from_be_bytes(size);
    let size = usize::try_from(size)
        .ok()
        .filter(|s| *s <= MAX_FRAME)
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("invalid frame size {size} (is this a Kafka PLAINTEXT listener?)"),
            )
        })?;
    let mut buf = BytesMut::zeroed(size);
    reader.read_exact(&mut buf).await?;
    Ok(Some(buf.freeze()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::{
        ApiVersionsRequest, ApiVersionsResponse, HeartbeatRequest, HeartbeatResponse,
    };
    use kafka_protocol::protocol::decode_request_header_from_buffer;

    #[test]
    fn request_frame_has_size_header_and_body() {
        let req = HeartbeatRequest::default()
            .with_group_id(StrBytes::from_static_str("g").into())
            .with_generation_id(7)
            .with_member_id(StrBytes::from_static_str("m-1"));
        for version in [0, 4] {
            let frame = encode_request(ApiKey::Heartbeat, version, 42, "cid", &req).unwrap();
            let mut b = frame.clone();
            let size = b.get_i32() as usize;
            assert_eq!(size, frame.len() - 4);
            let header = decode_request_header_from_buffer(&mut b).unwrap();
            assert_eq!(header.request_api_key, ApiKey::Heartbeat as i16);
            assert_eq!(header.request_api_version, version);
            assert_eq!(header.correlation_id, 42);
            assert_eq!(header.client_id.as_deref(), Some("cid"));
            let back = HeartbeatRequest::decode(&mut b, version).unwrap();
            assert_eq!(back.generation_id, 7);
            assert_eq!(back.member_id.as_str(), "m-1");
            assert!(b.is_empty());
        }
    }

    fn response_frame<R: Encodable>(api: ApiKey, version: i16, cid: i32, body: &R) -> Bytes {
        let mut buf = BytesMut::new();
        ResponseHeader::default()
            .with_correlation_id(cid)
            .encode(&mut buf, response_header_version(api, version))
            .unwrap();
        body.encode(&mut buf, version).unwrap();
        buf.freeze()
    }

    #[test]
    fn response_header_v0_and_v1_decode() {
        // Heartbeat v4 is flexible: header v1 with tagged fields.
        let resp = HeartbeatResponse::default().with_error_code(27);
        for version in [0, 4] {
            let frame = response_frame(ApiKey::Heartbeat, version, 9, &resp);
            assert_eq!(correlation_id(&frame), Some(9));
            let back: HeartbeatResponse =
                decode_response(ApiKey::Heartbeat, version, frame).unwrap();
            assert_eq!(back.error_code, 27);
        }
    }

    #[test]
    fn api_versions_response_uses_header_v0() {
        assert_eq!(response_header_version(ApiKey::ApiVersions, 4), 0);
        assert_eq!(response_header_version(ApiKey::Heartbeat, 4), 1);
        let resp = ApiVersionsResponse::default().with_error_code(35);
        let frame = response_frame(ApiKey::ApiVersions, 3, 1, &resp);
        assert_eq!(api_versions_error_code(&frame), Some(35));
        let _ = ApiVersionsRequest::default();
    }

    #[test]
    fn truncated_responses_are_errors_not_panics() {
        let resp = HeartbeatResponse::default().with_error_code(0);
        let frame = response_frame(ApiKey::Heartbeat, 4, 9, &resp);
        for cut in 0..frame.len() {
            let r: Result<HeartbeatResponse, _> =
                decode_response(ApiKey::Heartbeat, 4, frame.slice(..cut));
            assert!(r.is_err(), "cut at {cut}");
        }
        assert_eq!(correlation_id(&[0, 0, 1]), None);
    }

    #[tokio::test]
    async fn frames_are_read_whole_and_bad_sizes_refused() {
        let mut input: &[u8] = &[0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0];
        assert_eq!(
            read_frame(&mut input).await.unwrap().unwrap().as_ref(),
            [1, 2, 3]
        );
        assert_eq!(read_frame(&mut input).await.unwrap().unwrap().len(), 0);
        assert!(read_frame(&mut input).await.unwrap().is_none());
        // "HTTP" as a size prefix.
        let mut http: &[u8] = b"HTTP/1.1 400";
        assert!(read_frame(&mut http).await.is_err());
        let mut negative: &[u8] = &[0xff, 0xff, 0xff, 0xff];
        assert!(read_frame(&mut negative).await.is_err());
    }
}
