//! Server-sent events: PostHog streams some responses (`text/event-stream`) as events, which
//! this module parses incrementally from the body's chunks.

use bytes::Bytes;
use futures::{Stream, StreamExt};

use crate::error::Result;

/// One server-sent event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerSentEvent {
    /// The `event:` field, if the server named the event.
    pub event: Option<String>,
    /// The `data:` lines, joined with newlines.
    pub data: String,
    /// The `id:` field, if any.
    pub id: Option<String>,
}

#[derive(Default)]
struct Parser {
    buffer: Vec<u8>,
    current: ServerSentEvent,
    has_data: bool,
}

impl Parser {
    /// Feeds a chunk and returns the events it completes.
    fn feed(&mut self, chunk: &[u8]) -> Vec<ServerSentEvent> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if self.has_data || self.current.event.is_some() {
                    events.push(std::mem::take(&mut self.current));
                }
                self.has_data = false;
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
                None => (line, ""),
            };
            match field {
                "data" => {
                    if self.has_data {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(value);
                    self.has_data = true;
                }
                "event" => self.current.event = Some(value.to_owned()),
                "id" => self.current.id = Some(value.to_owned()),
                _ => {}
            }
        }
        events
    }
}

pub(crate) fn events(
    chunks: impl Stream<Item = Result<Bytes>> + Send + 'static,
) -> impl Stream<Item = Result<ServerSentEvent>> + Send + 'static {
    chunks
        .scan(Parser::default(), |parser, chunk| {
            let out: Vec<Result<ServerSentEvent>> = match chunk {
                Ok(chunk) => parser.feed(&chunk).into_iter().map(Ok).collect(),
                Err(error) => vec![Err(error)],
            };
            futures::future::ready(Some(futures::stream::iter(out)))
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_joined() {
        let mut parser = Parser::default();
        assert!(parser.feed(b"event: delta\nda").is_empty());
        let events = parser.feed(b"ta: {\"a\":1}\ndata: two\n\n: comment\ndata: x\r\n\r\n");
        assert_eq!(
            events,
            vec![
                ServerSentEvent {
                    event: Some("delta".into()),
                    data: "{\"a\":1}\ntwo".into(),
                    id: None
                },
                ServerSentEvent {
                    event: None,
                    data: "x".into(),
                    id: None
                },
            ]
        );
    }
}
