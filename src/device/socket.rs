//! WebSockets of text messages (gloo-net), for printers that push their status. The page's
//! state lives in signals, so a socket tells what happens on it through a callback rather
//! than being awaited: it opened, a message came, it closed.

use futures::channel::mpsc;
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{Message, State, futures::WebSocket};
use wasm_bindgen_futures::spawn_local;

/// What happens on a socket.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The socket is open (told once, when the first message has gone out).
    Opened,
    Message(String),
    /// The socket closed, was refused, or was closed here (told once, last).
    Closed,
}

/// An open (or opening) socket. Dropping it, or [`Socket::close`], closes it.
pub struct Socket {
    out: mpsc::UnboundedSender<String>,
}

impl Socket {
    /// Opens a socket to `url`; `on_event` hears what happens on it. A URL the browser
    /// refuses outright (a plain `ws://` from an HTTPS page) is an error, with its words.
    pub fn open(url: &str, mut on_event: impl FnMut(Event) + 'static) -> Result<Socket, String> {
        let mut ws = WebSocket::open(url).map_err(|e| e.message)?;
        let (out, mut queue) = mpsc::unbounded::<String>();
        spawn_local(async move {
            let mut opened = false;
            loop {
                // Whichever comes first: a message to send, or one received.
                let next = match select(queue.next(), ws.next()).await {
                    Either::Left((to_send, _)) => Either::Left(to_send),
                    Either::Right((received, _)) => Either::Right(received),
                };
                match next {
                    Either::Left(Some(text)) => {
                        // Waits while the socket connects.
                        if ws.send(Message::Text(text)).await.is_err() {
                            break;
                        }
                        if !opened && matches!(ws.state(), State::Open) {
                            opened = true;
                            on_event(Event::Opened);
                        }
                    }
                    // Closed from this side: the socket closes when dropped below.
                    Either::Left(None) => break,
                    Either::Right(Some(Ok(Message::Text(text)))) => on_event(Event::Message(text)),
                    Either::Right(Some(Ok(Message::Bytes(_)))) => {}
                    Either::Right(Some(Err(_)) | None) => break,
                }
            }
            drop(ws);
            on_event(Event::Closed);
        });
        Ok(Socket { out })
    }

    /// Sends a text message, after the socket has opened.
    pub fn send(&self, text: String) {
        let _ = self.out.unbounded_send(text);
    }

    pub fn close(&self) {
        self.out.close_channel();
    }
}
