//! The host side of the serial (USB) protocol of Marlin-style firmware, as a state machine
//! with no I/O: the caller feeds it the bytes the printer sent and the current time, and
//! writes out the lines it hands back. The same code drives a port opened with WebSerial in
//! the browser and a pseudo-terminal in the tests.
//!
//! What it does, and the firmware behaviour it relies on:
//! - Every line goes out as `N<n> <command>*<checksum>` (XOR of the bytes before `*`);
//!   `N0 M110 N0` resets the firmware's counter on connect. Comments and empty lines are
//!   never sent.
//! - Flow control by `ok`: every line the firmware reads gets exactly one `ok`, whether it
//!   ran it or rejected it; at most `in_flight` lines are unanswered at a time (Marlin holds 4
//!   commands; keep one slot free).
//! - `Resend: n` (also `Resend:n`, `rs n`) rewinds to line n and sends it and every later
//!   line again. The firmware only runs the line numbered one past the last it ran, so a line
//!   cannot run twice or out of order; the rejections of the lines that were already in flight
//!   each ask for the same line again, and those requests are skipped rather than obeyed (or
//!   every later line would go out twice, and again, in a cascade).
//! - `echo:busy: processing` (or `busy:processing`) says a long command is running: the
//!   reply timer starts again. `wait` and temperature reports do not count as answers.
//! - No answer within `reply_timeout` (or `long_timeout` when a heating, homing or levelling
//!   command is in flight): the `ok` was probably lost; the host sends a numbered `M105` as a
//!   probe, which either gets an `ok` or makes the firmware ask for the line it missed. After
//!   `max_timeouts` in a row the printer is taken to be gone.
//! - `Error:` lines about checksums and line numbers are followed by a resend request and are
//!   recovered from; any other `Error:` or `!!` (thermal runaway, MINTEMP, `kill()`) stops the
//!   job and puts the host in the error state with the firmware's words.
//! - `start` means the board rebooted (opening the port resets many boards): while printing
//!   that is an error, while connecting it is the signal to begin.
//! - `M115` tells the firmware and its capabilities (`Cap:AUTOREPORT_TEMP:1` → `M155 S2`,
//!   otherwise `M105` is polled); temperatures (`T:210.1 /210.0 B:60.0 /60.0`, with or
//!   without `ok` in front, `T0:`/`T1:` for more hot ends, no target while `M109` waits) and
//!   positions (`X:.. Y:.. Z:.. E:..`) are parsed into the status.
//! - Pause stops sending the job (lines already sent finish); cancel drops the rest of the job
//!   and sends `cancel_gcode` (heaters and fan off, nozzle lifted and parked, motors off);
//!   an emergency stop sends `M112`, which Marlin's emergency parser runs at once.

mod job;
mod reply;

use job::Job;

pub use reply::{clean_line, numbered, parse_position, parse_temperatures};
use reply::{is_line_error, is_long, resend_number};
use std::collections::{BTreeMap, VecDeque};

/// How the host talks to one printer.
#[derive(Debug, Clone, PartialEq)]
pub struct HostConfig {
    /// Lines sent but not yet answered with `ok`, at most.
    pub in_flight: usize,
    /// Seconds without an answer before the host probes.
    pub reply_timeout: f64,
    /// The same while a long command (heating, homing, levelling, dwell) is in flight.
    pub long_timeout: f64,
    /// Timeouts in a row before the printer is taken to be gone.
    pub max_timeouts: u32,
    /// Seconds to wait for the boot banner after the port opens.
    pub boot_wait: f64,
    /// Seconds between temperature reports (asked for, or polled).
    pub temperature_interval: f64,
    /// Sent after a cancelled job, one command per line.
    pub cancel_gcode: String,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            in_flight: 1,
            reply_timeout: 6.0,
            long_timeout: 600.0,
            max_timeouts: 5,
            boot_wait: 2.5,
            temperature_interval: 2.0,
            cancel_gcode: "M104 S0\nM140 S0\nM106 S0\nG91\nG1 Z5 F600\nG90\nG28 X\nM84".into(),
        }
    }
}

/// What the host is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Not connected (never opened, or closed).
    Closed,
    /// The port is open; waiting for the board and the handshake.
    Connecting,
    /// Connected, no job.
    Idle,
    Printing,
    Paused,
    /// The rest of the job was dropped; the cancel commands are going out.
    Cancelling,
    /// Stopped by the firmware, a lost printer or an emergency stop (what happened).
    Error(String),
}

/// One heater's reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Temperature {
    /// `T` (or `T0`, `T1`…) for hot ends, `B` for the bed, `C` for a chamber.
    pub name: String,
    pub current: f64,
    /// None while the firmware does not say (e.g. during `M109`).
    pub target: Option<f64>,
}

/// How far the job is.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    pub total: usize,
    /// Job lines answered with `ok` (resends included only once).
    pub done: usize,
    /// When it started, on the caller's clock (seconds).
    pub started: f64,
}

impl JobProgress {
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        }
    }
}

/// Everything known about the printer.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub state: State,
    /// `FIRMWARE_NAME` from `M115`.
    pub firmware: Option<String>,
    pub machine: Option<String>,
    /// `Cap:` lines from `M115`.
    pub capabilities: BTreeMap<String, bool>,
    pub temperatures: Vec<Temperature>,
    /// X, Y, Z, E from the last position report.
    pub position: Option<[f64; 4]>,
    pub job: Option<JobProgress>,
    /// Lines sent again because the printer asked.
    pub resends: u64,
    pub timeouts: u64,
}

/// Things the caller may want to show or log, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A line the printer sent.
    Received(String),
    /// A line the host sent (without number and checksum).
    Sent(String),
    Temperatures(Vec<Temperature>),
    Position([f64; 4]),
    /// The handshake finished.
    Connected,
    JobDone,
    JobCancelled,
    /// The host stopped (the same text as `State::Error`).
    Error(String),
}

/// Commands that may take minutes with no answer but `busy` keep-alives.
const LONG_COMMANDS: &[&str] = &[
    "M109", "M190", "M191", "M116", "M303", "G28", "G29", "G34", "G35", "G4", "M400", "M600",
    "M48", "G76",
];

/// Lines kept for resends.
const HISTORY: usize = 4096;

/// A line ready to send: the command without a number, and where it came from.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    command: String,
    /// Index into the job, for progress.
    job_line: Option<usize>,
}

/// The host protocol for one connection. See the module docs.
#[derive(Debug, Clone)]
pub struct Host {
    config: HostConfig,
    status: Status,
    events: Vec<Event>,
    /// Bytes received that do not end a line yet.
    partial: Vec<u8>,
    /// User, poll and cancel commands, sent before job lines.
    priority: VecDeque<String>,
    job: Option<Job>,
    /// Number of the next new line.
    next_number: u64,
    /// Sent lines by number, for resends (the last `HISTORY`).
    history: VecDeque<(u64, Pending)>,
    /// When resending: the next number to send again.
    resend_cursor: Option<u64>,
    /// Lines sent and not answered yet, as far as the host can tell.
    in_flight: usize,
    /// The line asked for last, and how many more requests for it are expected from lines
    /// that were in flight behind it (stale: skipped).
    stale_requests: Option<(u64, usize)>,
    /// The lines in flight, oldest first, and whether the printer already asked for them
    /// again (their `ok` then answers a rejection).
    unanswered: VecDeque<(u64, bool)>,
    /// Highest job line answered.
    job_done: usize,
    /// When the current wait for an answer started.
    waiting_since: Option<f64>,
    timeouts_in_a_row: u32,
    opened_at: f64,
    /// When the boot banner came.
    booted_at: Option<f64>,
    handshake_sent: bool,
    /// The job is sent; an `M105` went after it, and its answer (which comes after every
    /// line before it has run) ends the job.
    finishing: bool,
    last_line_ran: bool,
    last_temperature: f64,
}

/// `N<n> <command>*<checksum>`.
impl Host {
    pub fn new(config: HostConfig) -> Host {
        Host {
            config,
            status: Status {
                state: State::Closed,
                firmware: None,
                machine: None,
                capabilities: BTreeMap::new(),
                temperatures: Vec::new(),
                position: None,
                job: None,
                resends: 0,
                timeouts: 0,
            },
            events: Vec::new(),
            partial: Vec::new(),
            priority: VecDeque::new(),
            job: None,
            next_number: 1,
            history: VecDeque::new(),
            resend_cursor: None,
            in_flight: 0,
            stale_requests: None,
            unanswered: VecDeque::new(),
            job_done: 0,
            waiting_since: None,
            timeouts_in_a_row: 0,
            opened_at: 0.0,
            booted_at: None,
            handshake_sent: false,
            finishing: false,
            last_line_ran: false,
            last_temperature: f64::NEG_INFINITY,
        }
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// What happened since the last call.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The port was opened: wait for the board, then shake hands.
    pub fn opened(&mut self, now: f64) {
        let config = self.config.clone();
        *self = Host::new(config);
        self.status.state = State::Connecting;
        self.opened_at = now;
    }

    /// The port was closed (or lost).
    pub fn closed(&mut self) {
        if matches!(self.status.state, State::Printing | State::Paused) {
            self.fail("the connection to the printer was lost during the print");
        }
        if !matches!(self.status.state, State::Error(_)) {
            self.status.state = State::Closed;
        }
    }

    /// Queues a command typed by the user (several lines allowed).
    pub fn command(&mut self, text: &str) {
        for line in text.lines().filter_map(clean_line) {
            self.priority.push_back(line.to_string());
        }
    }

    /// Starts printing G-code text. Refused unless connected and idle.
    pub fn print(&mut self, gcode: &str, now: f64) -> Result<usize, String> {
        match &self.status.state {
            State::Idle => {}
            State::Closed | State::Connecting => return Err("the printer is not connected".into()),
            State::Printing | State::Paused | State::Cancelling => {
                return Err("the printer is busy with a job".into());
            }
            State::Error(e) => return Err(format!("the printer stopped: {e}")),
        }
        let Some(job) = Job::of(gcode) else {
            return Err("the G-code has no commands".into());
        };
        let total = job.lines.len();
        self.job = Some(job);
        self.job_done = 0;
        self.finishing = false;
        self.last_line_ran = false;
        self.status.job = Some(JobProgress {
            total,
            done: 0,
            started: now,
        });
        self.status.state = State::Printing;
        Ok(total)
    }

    pub fn pause(&mut self) {
        if self.status.state == State::Printing {
            self.status.state = State::Paused;
        }
    }

    pub fn resume(&mut self) {
        if self.status.state == State::Paused {
            self.status.state = State::Printing;
        }
    }

    /// Drops the rest of the job, then sends the cancel commands.
    pub fn cancel(&mut self) {
        if matches!(self.status.state, State::Printing | State::Paused) {
            self.job = None;
            self.priority.clear();
            let lines: Vec<String> = self
                .config
                .cancel_gcode
                .lines()
                .filter_map(clean_line)
                .map(str::to_string)
                .collect();
            self.priority.extend(lines);
            self.status.state = State::Cancelling;
        }
    }

    /// Stops the printer at once (`M112`, run by the firmware's emergency parser). The
    /// printer needs a reset afterwards.
    pub fn emergency_stop(&mut self) -> String {
        self.job = None;
        self.priority.clear();
        self.status.state = State::Closed;
        self.fail("emergency stop");
        "M112\n".to_string()
    }

    /// Stops with an error; the first one is kept (what follows is usually its echo). During
    /// a print the text says where it stopped.
    fn fail(&mut self, text: &str) {
        if matches!(self.status.state, State::Error(_)) {
            return;
        }
        let text = &match &self.job {
            Some(job) if matches!(self.status.state, State::Printing | State::Paused) => {
                format!("{text} ({})", job.stopped_at(self.job_done))
            }
            _ => text.to_string(),
        };
        self.job = None;
        self.resend_cursor = None;
        self.status.state = State::Error(text.to_string());
        self.events.push(Event::Error(text.to_string()));
    }

    /// Feeds bytes read from the port.
    pub fn received(&mut self, bytes: &[u8], now: f64) {
        for &b in bytes {
            if b == b'\n' || b == b'\r' {
                if !self.partial.is_empty() {
                    let line = String::from_utf8_lossy(&self.partial).trim().to_string();
                    self.partial.clear();
                    if !line.is_empty() {
                        self.line(&line, now);
                    }
                }
            } else if self.partial.len() < 4096 {
                self.partial.push(b);
            }
        }
    }

    /// An `ok` came: it answers the oldest line in flight.
    fn answered(&mut self, now: f64) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some((n, false)) = self.unanswered.pop_front()
            && let Some(job_line) = self.job_line(n)
        {
            self.job_done = self.job_done.max(job_line + 1);
            if let Some(j) = &mut self.status.job {
                j.done = self.job_done;
            }
        }
        self.timeouts_in_a_row = 0;
        self.waiting_since = (self.in_flight > 0).then_some(now);
    }

    /// The line sent as number n, if still kept. Numbers in the history are consecutive
    /// (it restarts with M110), so this is an index, not a search.
    fn sent(&self, n: u64) -> Option<&Pending> {
        let &(first, _) = self.history.front()?;
        let i = usize::try_from(n.checked_sub(first)?).ok()?;
        self.history.get(i).filter(|(m, _)| *m == n).map(|(_, p)| p)
    }

    fn job_line(&self, n: u64) -> Option<usize> {
        self.sent(n).and_then(|p| p.job_line)
    }

    /// The firmware reports temperatures by itself (`M155`).
    fn autoreports(&self) -> bool {
        self.status
            .capabilities
            .get("AUTOREPORT_TEMP")
            .copied()
            .unwrap_or(false)
    }

    fn line(&mut self, line: &str, now: f64) {
        self.events.push(Event::Received(line.to_string()));
        let lower = line.to_ascii_lowercase();
        if lower == "start" {
            match self.status.state {
                State::Printing | State::Paused | State::Cancelling => {
                    self.fail("the printer restarted during the print");
                }
                State::Connecting => self.booted_at = Some(now),
                _ => {}
            }
            return;
        }
        if lower.starts_with("ok") {
            let rest = line[2..].trim();
            if self.finishing && rest.contains("T:") {
                self.last_line_ran = true;
            }
            self.reports(rest);
            self.answered(now);
            return;
        }
        if let Some(n) = resend_number(line) {
            self.resend(n, now);
            return;
        }
        if lower.starts_with("error") || lower.starts_with("!!") {
            let text = line
                .trim_start_matches('!')
                .trim_start_matches("Error:")
                .trim_start_matches("error:")
                .trim();
            if !is_line_error(text) {
                self.fail(&format!("the printer reported: {text}"));
            }
            return;
        }
        if lower.contains("busy:") || lower.starts_with("echo:busy") {
            // A long command is running: that is an answer for the timer.
            self.waiting_since = Some(now);
            self.timeouts_in_a_row = 0;
            return;
        }
        if let Some(rest) = line.strip_prefix("Cap:") {
            if let Some((name, value)) = rest.rsplit_once(':') {
                self.status
                    .capabilities
                    .insert(name.to_string(), value.trim() == "1");
            }
            return;
        }
        if line.contains("FIRMWARE_NAME:") {
            self.firmware_line(line);
            return;
        }
        self.reports(line);
    }

    /// Temperatures and positions, alone or after `ok`.
    fn reports(&mut self, text: &str) {
        if text.contains("T:") || text.contains("B:") || text.contains("T0:") {
            let t = parse_temperatures(text);
            if !t.is_empty() {
                self.status.temperatures = t.clone();
                self.events.push(Event::Temperatures(t));
            }
        }
        if text.contains("X:")
            && text.contains("Y:")
            && text.contains("Z:")
            && let Some(p) = parse_position(text)
        {
            self.status.position = Some(p);
            self.events.push(Event::Position(p));
        }
    }

    fn firmware_line(&mut self, line: &str) {
        // "FIRMWARE_NAME:Marlin 2.1.2 (Jun 1 2024) SOURCE_CODE_URL:… MACHINE_TYPE:Ender-3 …"
        let field = |key: &str| -> Option<String> {
            let start = line.find(key)? + key.len();
            let rest = &line[start..];
            let end = [
                " SOURCE_CODE_URL:",
                " PROTOCOL_VERSION:",
                " MACHINE_TYPE:",
                " EXTRUDER_COUNT:",
                " UUID:",
            ]
            .iter()
            .filter_map(|k| rest.find(k))
            .min()
            .unwrap_or(rest.len());
            Some(rest[..end].trim().to_string())
        };
        self.status.firmware = field("FIRMWARE_NAME:");
        self.status.machine = field("MACHINE_TYPE:");
    }

    /// The board is up: reset the line counter and ask what it is.
    fn handshake(&mut self) {
        if self.handshake_sent {
            return;
        }
        self.handshake_sent = true;
        self.next_number = 0;
        self.priority.push_front("M115".into());
        self.priority.push_front("M110 N0".into());
    }

    fn resend(&mut self, n: u64, now: f64) {
        if n >= self.next_number {
            // Asks for a line not sent yet: everything arrived.
            return;
        }
        // Each line that was in flight behind the rejected one is rejected in turn and asks
        // for the same line: those requests are stale, the line is on its way already.
        if let Some((asked, left)) = self.stale_requests
            && asked == n
            && left > 0
        {
            self.stale_requests = Some((asked, left - 1));
            return;
        }
        let Some(&(oldest, _)) = self.history.front() else {
            return;
        };
        if n < oldest {
            self.fail(&format!(
                "the printer asked for line {n} again, which is too old to resend"
            ));
            return;
        }
        let behind = self
            .unanswered
            .iter()
            .filter(|&&(m, again)| m > n && !again)
            .count();
        self.stale_requests = Some((n, behind));
        // Their `ok`s answer rejections, not runs.
        for (m, again) in self.unanswered.iter_mut() {
            if *m >= n {
                *again = true;
            }
        }
        self.resend_cursor = Some(n);
        self.status.resends += 1;
        self.waiting_since = Some(now);
    }

    /// Lines to write to the port now (each ends with a newline). Call after `received`, and
    /// every few hundred milliseconds (timeouts, temperature polls).
    pub fn poll(&mut self, now: f64) -> Vec<String> {
        let mut out = Vec::new();
        match self.status.state {
            State::Closed | State::Error(_) => return out,
            State::Connecting if !self.handshake_sent => {
                // Boards print more after "start"; give them a moment before talking.
                let booted = self.booted_at.is_some_and(|t| now - t >= 0.3);
                if booted || now - self.opened_at >= self.config.boot_wait {
                    self.handshake();
                } else {
                    return out;
                }
            }
            _ => {}
        }
        self.check_timeout(now);
        if matches!(self.status.state, State::Error(_)) {
            return out;
        }
        self.temperature_poll(now);
        // One line at a time while shaking hands: some firmware drops what follows M110.
        let window = if self.status.state == State::Connecting {
            1
        } else {
            self.config.in_flight.max(1)
        };
        while self.in_flight < window {
            let Some(line) = self.next_line() else { break };
            out.push(line);
            self.in_flight += 1;
            if self.waiting_since.is_none() {
                self.waiting_since = Some(now);
            }
        }
        self.finish_job();
        out
    }

    /// The next line to send: a resend, a priority command or the next job line.
    fn next_line(&mut self) -> Option<String> {
        if let Some(n) = self.resend_cursor {
            match self.sent(n).cloned() {
                Some(p) => {
                    self.resend_cursor = (n + 1 < self.next_number).then_some(n + 1);
                    self.unanswered.push_back((n, false));
                    return Some(numbered(n, &p.command) + "\n");
                }
                None => self.resend_cursor = None,
            }
        }
        let pending = if let Some(command) = self.priority.pop_front() {
            Pending {
                command,
                job_line: None,
            }
        } else {
            if self.status.state != State::Printing {
                return None;
            }
            let job = self.job.as_mut()?;
            let i = job.next;
            let command = job.lines.get(i)?.clone();
            job.next += 1;
            Pending {
                command,
                job_line: Some(i),
            }
        };
        let n = self.next_number;
        self.next_number += 1;
        let text = numbered(n, &pending.command) + "\n";
        if pending.command.starts_with("M110") {
            // The firmware's counter restarts here.
            self.history.clear();
        }
        self.events.push(Event::Sent(pending.command.clone()));
        self.history.push_back((n, pending));
        while self.history.len() > HISTORY {
            self.history.pop_front();
        }
        self.unanswered.push_back((n, false));
        Some(text)
    }

    fn check_timeout(&mut self, now: f64) {
        // At the end of a job the host waits for the answer to its last M105 even when it
        // counts nothing in flight (an `ok` counted for it may have belonged to a line before).
        let awaiting_end = self.finishing && !self.last_line_ran && self.priority.is_empty();
        if self.in_flight == 0 && !awaiting_end {
            self.waiting_since = None;
            return;
        }
        let since = *self.waiting_since.get_or_insert(now);
        let long = self
            .unanswered
            .iter()
            .filter_map(|&(n, _)| self.sent(n))
            .any(|p| is_long(&p.command));
        let limit = if long {
            self.config.long_timeout
        } else {
            self.config.reply_timeout
        };
        if now - since < limit {
            return;
        }
        self.status.timeouts += 1;
        self.timeouts_in_a_row += 1;
        if self.timeouts_in_a_row >= self.config.max_timeouts {
            let what = if self.status.state == State::Connecting {
                "the printer does not answer: check the cable, the port and the baud rate"
            } else {
                "the printer stopped answering"
            };
            self.fail(what);
            return;
        }
        // Probably a lost "ok" or a lost line: free the window and probe; a lost line shows
        // up as a resend request for it.
        self.in_flight = 0;
        self.unanswered.clear();
        if self.priority.front().is_none_or(|c| c != "M105") {
            self.priority.push_front("M105".into());
        }
        // The count of stale requests may be off: obey the next one.
        self.stale_requests = None;
        self.waiting_since = Some(now);
    }

    fn temperature_poll(&mut self, now: f64) {
        if !matches!(
            self.status.state,
            State::Idle | State::Printing | State::Paused
        ) {
            return;
        }
        if now - self.last_temperature < self.config.temperature_interval {
            return;
        }
        self.last_temperature = now;
        if !self.autoreports() && !self.priority.iter().any(|c| c == "M105") {
            self.priority.push_back("M105".into());
        }
    }

    /// Moves between states when the queued work is done.
    fn finish_job(&mut self) {
        let drained =
            self.in_flight == 0 && self.resend_cursor.is_none() && self.priority.is_empty();
        match self.status.state {
            State::Connecting if self.handshake_sent && drained => {
                self.status.state = State::Idle;
                self.events.push(Event::Connected);
                if self.autoreports() {
                    let seconds = self.config.temperature_interval.round().max(1.0);
                    self.priority.push_back(format!("M155 S{seconds}"));
                }
            }
            State::Printing => {
                let all_sent = self.job.as_ref().is_none_or(|j| j.next >= j.lines.len());
                if all_sent && drained && !self.finishing {
                    self.finishing = true;
                    self.priority.push_back("M105".into());
                } else if all_sent && self.last_line_ran && self.resend_cursor.is_none() {
                    self.job = None;
                    if let Some(j) = &mut self.status.job {
                        j.done = j.total;
                    }
                    self.status.state = State::Idle;
                    self.events.push(Event::JobDone);
                }
            }
            State::Cancelling if drained => {
                self.status.state = State::Idle;
                self.events.push(Event::JobCancelled);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
