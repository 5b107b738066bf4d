//! The serial host protocol (`engine::printer::serial`) against a real Marlin emulator:
//! OctoPrint's virtual printer behind a pseudo-terminal (`tools/printers/virtual_marlin_pty.py`
//! in the shared folder), run with the OctoPrint that scripts/test.sh installs from PyPI into
//! `target/octoprint` (or `$OCTO_HOME`).
//!
//! A job of small relative moves, with `M114` every 1,000 lines: each position report must
//! equal the sum of the moves before it (the emulator answers M114 while up to four moves may
//! still wait in its buffer, so a report may lag by those), and the position after the job
//! must equal the sum of every move, so a lost, repeated or reordered line shows. Run with
//! 20,000 lines on a clean link, and with 100,000 lines on a noisy, uneven one: 1 % of lines
//! corrupted (answered with checksum errors and resend requests) and the host stalled for
//! random moments, as a busy tab is.

mod common;

use lamina::engine::printer::serial::{Event, Host, HostConfig, State};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const CHECK_EVERY: usize = 1_000;
/// Moves the emulator may still hold in its buffer when it answers M114 (its
/// `commandBuffer`): M114 reports where the moves done so far have brought it.
const BUFFERED: usize = 4;

struct Emulator {
    child: Child,
    port: File,
    rx: Receiver<Vec<u8>>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn octoprint_python() -> PathBuf {
    let home = std::env::var_os("OCTO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/octoprint"));
    let python = home.join("venv/bin/python");
    assert!(
        python.exists(),
        "OctoPrint is not installed in {}: scripts/test.sh installs it (python3 -m venv and pip install \"octoprint==1.11.*\"), or set OCTO_HOME",
        home.display()
    );
    python
}

fn start(args: &[&str]) -> Emulator {
    let script = common::shared().join("tools/printers/virtual_marlin_pty.py");
    let mut child = Command::new(octoprint_python())
        .arg(&script)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the printer emulator");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut pty = None;
    let mut line = String::new();
    while out.read_line(&mut line).unwrap_or(0) > 0 {
        if let Some(p) = line.trim().strip_prefix("PTY ") {
            pty = Some(p.to_string());
            break;
        }
        line.clear();
    }
    let pty = pty.expect("the emulator printed no PTY line");
    let port = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&pty)
        .expect("open the pty");
    let mut reader = port.try_clone().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    Emulator { child, port, rx }
}

/// The job; for each `M114`, the positions it may report (after the moves before it, or with
/// up to `BUFFERED` of the last ones still in the emulator's buffer); and the final position.
fn job(lines: usize) -> (String, Vec<Vec<[f64; 2]>>, [f64; 2]) {
    let mut g = String::from("; a test job\nG90\nG92 X0 Y0 Z0 E0\nM104 S200\nG91\n");
    let mut expected = Vec::new();
    let (mut x, mut y) = (0.0, 0.0);
    let mut recent: Vec<[f64; 2]> = Vec::new();
    for i in 1..=lines {
        // Moves of different sizes on two axes, so that a missing or repeated line changes
        // the sum whichever it is.
        if i % 2 == 0 {
            g.push_str(&format!("G1 X0.{:02} F600000\n", 1 + i % 7));
            x += (1 + i % 7) as f64 / 100.0;
        } else {
            g.push_str(&format!("G1 Y0.{:02} F600000 ; move {i}\n", 1 + i % 5));
            y += (1 + i % 5) as f64 / 100.0;
        }
        recent.insert(0, [x, y]);
        recent.truncate(BUFFERED + 1);
        if i % CHECK_EVERY == 0 {
            g.push_str("M114\n");
            expected.push(recent.clone());
        }
    }
    (g, expected, [x, y])
}

struct Outcome {
    positions: Vec<[f64; 4]>,
    /// Where the printer is once every move has run.
    last: Option<[f64; 4]>,
    /// Temperature reports with the hot end's target, seen while printing.
    heating_reports: usize,
    resends: u64,
    timeouts: u64,
    seconds: f64,
}

/// Streams a job of `lines` moves; `stalls` makes the host stop for a random 1–30 ms about
/// once in 200 turns of its loop (seeded, so a run repeats).
fn print_through(em: &mut Emulator, in_flight: usize, lines: usize, stalls: bool) -> Outcome {
    let (gcode, _, end) = job(lines);
    let mut seed: u64 = 0x5eed_1a31;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut host = Host::new(HostConfig {
        in_flight,
        ..HostConfig::default()
    });
    let t0 = Instant::now();
    let now = || t0.elapsed().as_secs_f64();
    host.opened(now());
    let mut started = false;
    let mut positions = Vec::new();
    let mut heating_reports = 0;
    let deadline = Duration::from_secs(600);
    loop {
        assert!(t0.elapsed() < deadline, "the job did not finish in time");
        if stalls && random() % 200 == 0 {
            std::thread::sleep(Duration::from_millis(1 + random() % 30));
        }
        if let Ok(bytes) = em.rx.recv_timeout(Duration::from_millis(2)) {
            host.received(&bytes, now());
            while let Ok(more) = em.rx.try_recv() {
                host.received(&more, now());
            }
        }
        for line in host.poll(now()) {
            em.port.write_all(line.as_bytes()).unwrap();
        }
        for e in host.take_events() {
            match e {
                Event::Position(p) if started => positions.push(p),
                Event::Temperatures(t)
                    if started && t.iter().any(|h| h.name == "T" && h.target == Some(200.0)) =>
                {
                    heating_reports += 1
                }
                Event::Error(e) => panic!("the host stopped: {e}"),
                _ => {}
            }
        }
        match host.status().state {
            State::Idle if !started => {
                host.print(&gcode, now()).unwrap();
                started = true;
            }
            State::Idle if started => break,
            _ => {}
        }
    }
    assert_eq!(
        host.status().job.as_ref().map(|j| j.done),
        Some(lines + 4 + lines / CHECK_EVERY)
    );
    // The last moves may still sit in the emulator's buffer: ask until it has caught up.
    let mut last = None;
    let t1 = Instant::now();
    while t1.elapsed() < Duration::from_secs(30)
        && !last
            .is_some_and(|p: [f64; 4]| (p[0] - end[0]).abs() < 1e-6 && (p[1] - end[1]).abs() < 1e-6)
    {
        host.command("M114");
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_millis(500) {
            if let Ok(bytes) = em.rx.recv_timeout(Duration::from_millis(2)) {
                host.received(&bytes, now());
            }
            for line in host.poll(now()) {
                em.port.write_all(line.as_bytes()).unwrap();
            }
            for e in host.take_events() {
                if let Event::Position(p) = e {
                    last = Some(p);
                }
            }
        }
    }
    Outcome {
        positions,
        last,
        heating_reports,
        resends: host.status().resends,
        timeouts: host.status().timeouts,
        seconds: now(),
    }
}

fn check(outcome: &Outcome, lines: usize) {
    let (_, expected, end) = job(lines);
    assert_eq!(
        outcome.positions.len(),
        expected.len(),
        "one report per M114 ({} timeouts, {} resends): {:?}",
        outcome.timeouts,
        outcome.resends,
        outcome.positions.last()
    );
    let at = |got: &[f64; 4], want: &[f64; 2]| {
        (got[0] - want[0]).abs() < 1e-6 && (got[1] - want[1]).abs() < 1e-6
    };
    for (i, (got, allowed)) in outcome.positions.iter().zip(&expected).enumerate() {
        assert!(
            allowed.iter().any(|want| at(got, want)),
            "after {} lines the printer is at X{} Y{}, expected X{} Y{} (or up to {BUFFERED} moves short of it): lines were lost, repeated or reordered",
            (i + 1) * CHECK_EVERY,
            got[0],
            got[1],
            allowed[0][0],
            allowed[0][1]
        );
    }
    let last = outcome.last.expect("a position after the job");
    assert!(
        at(&last, &end),
        "after the job the printer is at X{} Y{}, expected X{} Y{}: lines were lost or repeated",
        last[0],
        last[1],
        end[0],
        end[1]
    );
    assert!(
        outcome.heating_reports > 0,
        "temperature reports were parsed during the stream"
    );
}

#[test]
fn streams_20000_lines_to_the_emulator_without_losing_one() {
    let lines = 20_000;
    let mut em = start(&["--errors", "none"]);
    let outcome = print_through(&mut em, 3, lines, false);
    check(&outcome, lines);
    assert_eq!(outcome.resends, 0);
    eprintln!(
        "clean line: {lines} lines in {:.1} s, {} timeouts",
        outcome.seconds, outcome.timeouts
    );
}

#[test]
fn streams_100000_lines_through_noise_and_stalls_without_losing_or_repeating_one() {
    let lines = 100_000;
    let mut em = start(&[
        "--errors",
        "none",
        "--corrupt-rate",
        "0.01",
        "--fix-resend-target",
        "--seed",
        "7",
    ]);
    let outcome = print_through(&mut em, 2, lines, true);
    check(&outcome, lines);
    assert!(
        outcome.resends > 500,
        "only {} resends: the noise did not reach the stream",
        outcome.resends
    );
    eprintln!(
        "noisy, stalling line: {lines} lines, {} resends, {} timeouts, in {:.1} s",
        outcome.resends, outcome.timeouts, outcome.seconds
    );
}
