//! Log lines that any local process can cause (a refused Host, a refused handshake, a protocol
//! violation) are rate-limited: a flood of requests must not flood the person's terminal and
//! push the confirmation question out of sight. Past a burst in one second, events are counted,
//! and the next line that is written says how many were left out.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Lines written per window; the rest of the window's events are counted.
const BURST: u32 = 10;
const WINDOW: Duration = Duration::from_secs(1);

pub struct PeerLog {
    state: Mutex<Window>,
}

struct Window {
    started: Instant,
    written: u32,
    not_logged: u64,
}

impl PeerLog {
    pub fn new() -> PeerLog {
        PeerLog {
            state: Mutex::new(Window {
                started: Instant::now(),
                written: 0,
                not_logged: 0,
            }),
        }
    }

    /// Whether this event may be written: `Some` with the number of events left out since the
    /// last written line (`None` inside it when there were none), or `None` to leave it out.
    pub fn admit(&self) -> Option<Option<u64>> {
        let mut window = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if window.started.elapsed() >= WINDOW {
            window.started = Instant::now();
            window.written = 0;
        }
        if window.written >= BURST {
            window.not_logged += 1;
            return None;
        }
        window.written += 1;
        let not_logged = std::mem::take(&mut window.not_logged);
        Some((not_logged > 0).then_some(not_logged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_written_then_counted_and_the_count_reported() {
        let log = PeerLog::new();
        for _ in 0..BURST {
            assert_eq!(log.admit(), Some(None));
        }
        for _ in 0..500 {
            assert_eq!(log.admit(), None);
        }
        std::thread::sleep(WINDOW);
        assert_eq!(log.admit(), Some(Some(500)));
        assert_eq!(log.admit(), Some(None));
    }
}
