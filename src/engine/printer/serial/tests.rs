//! Tests of the serial host, fed the replies real firmware sends.

use super::*;

#[test]
fn lines_are_numbered_with_checksums() {
    assert_eq!(numbered(0, "M110 N0"), "N0 M110 N0*125");
    assert_eq!(numbered(1, "M115"), "N1 M115*39");
    assert_eq!(clean_line("  G1 X10 ; move"), Some("G1 X10"));
    assert_eq!(clean_line("; only a comment"), None);
    assert_eq!(clean_line("   "), None);
}

#[test]
fn temperatures_in_every_format() {
    let t = parse_temperatures("ok T:210.3 /210.0 B:60.1 /60.0 @:127 B@:0");
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].name, "T");
    assert_eq!(t[0].current, 210.3);
    assert_eq!(t[0].target, Some(210.0));
    assert_eq!(t[1].name, "B");
    assert_eq!(t[1].target, Some(60.0));
    let t = parse_temperatures("T:25.0/0.0 B:24.5/0.0 T0:25.0/0.0 T1:30.0/200.0 @:0");
    let names: Vec<&str> = t.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["T", "B", "T0", "T1"]);
    assert_eq!(t[3].target, Some(200.0));
    // While M109 waits: no target.
    let t = parse_temperatures(" T:187.4 E:0 W:?");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].target, None);
    let t = parse_temperatures("T:20.0 / 0.0 B:20.0 / 0.0");
    assert_eq!(t[1].target, Some(0.0));
    let t = parse_temperatures("ok T:21.30/ 0.00 B:21.30/ 60.00 @:64");
    assert_eq!((t[0].current, t[0].target), (21.3, Some(0.0)));
    assert_eq!((t[1].current, t[1].target), (21.3, Some(60.0)));
}

#[test]
fn positions_and_resend_requests() {
    assert_eq!(
        parse_position("X:10.00 Y:20.50 Z:0.30 E:1.20 Count X:800 Y:1640 Z:120"),
        Some([10.0, 20.5, 0.3, 1.2])
    );
    assert_eq!(
        parse_position("ok X:1.0 Y:2.0 Z:3.0 E:4.0".trim_start_matches("ok ")),
        Some([1.0, 2.0, 3.0, 4.0])
    );
    assert_eq!(resend_number("Resend: 12"), Some(12));
    assert_eq!(resend_number("Resend:12"), Some(12));
    assert_eq!(resend_number("rs N12"), Some(12));
    assert_eq!(resend_number("rs 7"), Some(7));
    assert_eq!(
        resend_number("Error:Line Number is not Last Line Number+1"),
        None
    );
}

/// A small Marlin: runs a line only if its number follows the last one run and its
/// checksum is right; otherwise asks for it again. Every line read gets one `ok`.
struct Firmware {
    last: u64,
    ran: Vec<String>,
    /// Replies not yet read by the host.
    out: Vec<String>,
}

impl Firmware {
    fn new() -> Firmware {
        Firmware {
            last: 0,
            ran: Vec::new(),
            out: vec!["start".into()],
        }
    }

    fn read(&mut self, line: &str) {
        let line = line.trim_end();
        let (body, sum) = line.rsplit_once('*').unwrap_or((line, ""));
        let ok_sum = body.bytes().fold(0u8, |a, b| a ^ b).to_string() == sum;
        let parsed = body[1..]
            .split_once(' ')
            .and_then(|(n, c)| Some((n.parse::<u64>().ok()?, c)));
        let Some((n, command)) = parsed.filter(|_| ok_sum) else {
            self.out
                .push(format!("Error:checksum mismatch, Last Line: {}", self.last));
            self.out.push(format!("Resend: {}", self.last + 1));
            self.out.push("ok".into());
            return;
        };
        if command.starts_with("M110") {
            self.last = n;
        } else if n != self.last + 1 {
            self.out.push(format!(
                "Error:Line Number is not Last Line Number+1, Last Line: {}",
                self.last
            ));
            self.out.push(format!("Resend: {}", self.last + 1));
        } else {
            self.last = n;
            self.ran.push(command.to_string());
            if command == "M105" {
                self.out.push("ok T:20.0 /0.0 B:20.0 /0.0 @:0".into());
                return;
            }
            if command == "M115" {
                self.out.push("FIRMWARE_NAME:Marlin 2.1.2 (Jun 1 2024) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin PROTOCOL_VERSION:1.0 MACHINE_TYPE:Ender-3 V2 EXTRUDER_COUNT:1".into());
                self.out.push("Cap:AUTOREPORT_TEMP:1".into());
                self.out.push("Cap:EMERGENCY_PARSER:1".into());
            }
        }
        self.out.push("ok".into());
    }

    fn take(&mut self) -> Vec<u8> {
        let mut b = Vec::new();
        for l in self.out.drain(..) {
            b.extend_from_slice(l.as_bytes());
            b.push(b'\n');
        }
        b
    }
}

/// A tiny deterministic random source.
struct Noise(u64);

impl Noise {
    fn chance(&mut self, p: f64) -> bool {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 1_000_000) as f64 / 1e6 < p
    }
}

struct Link {
    corrupt: f64,
    lose_line: f64,
    lose_ok: f64,
}

/// Connects, prints `job` and returns what the firmware ran (probes left out).
fn run(in_flight: usize, job: &[String], link: Link, seed: u64) -> (Host, Vec<String>) {
    let mut host = Host::new(HostConfig {
        in_flight,
        ..HostConfig::default()
    });
    let mut fw = Firmware::new();
    let mut noise = Noise(seed | 1);
    let mut now = 0.0;
    host.opened(now);
    let mut started = false;
    for _ in 0..2_000_000 {
        now += 0.001;
        let bytes = fw.take();
        let bytes: Vec<u8> = String::from_utf8(bytes)
            .unwrap()
            .lines()
            .filter(|l| !(*l == "ok" && noise.chance(link.lose_ok)))
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect();
        host.received(&bytes, now);
        if host.status().state == State::Idle && !started {
            host.print(&job.join("\n"), now).unwrap();
            started = true;
        }
        let out = host.poll(now);
        if out.is_empty() && fw.out.is_empty() {
            // Nothing moves: let the clock run to the next timeout.
            now += 1.0;
        }
        for line in out {
            if noise.chance(link.lose_line) {
                continue;
            }
            let mut line = line.into_bytes();
            if noise.chance(link.corrupt) {
                let i = 1 + (noise.0 as usize) % (line.len() - 4);
                line[i] = if line[i] == b'1' { b'2' } else { b'1' };
            }
            fw.read(&String::from_utf8_lossy(&line));
        }
        if started && host.status().state != State::Printing {
            break;
        }
    }
    let ran = fw
        .ran
        .into_iter()
        .filter(|c| !["M105", "M115", "M155 S2"].contains(&c.as_str()))
        .collect();
    (host, ran)
}

fn job(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("G1 X{}.{} E0.01", i % 200, i % 7))
        .collect()
}

#[test]
fn a_clean_link_runs_every_line_once() {
    for in_flight in [1, 3] {
        let job = job(500);
        let (host, ran) = run(
            in_flight,
            &job,
            Link {
                corrupt: 0.0,
                lose_line: 0.0,
                lose_ok: 0.0,
            },
            7,
        );
        assert_eq!(ran, job);
        assert_eq!(host.status().state, State::Idle);
        assert_eq!(host.status().resends, 0);
        assert_eq!(
            host.status().firmware.as_deref(),
            Some("Marlin 2.1.2 (Jun 1 2024)")
        );
        assert_eq!(host.status().machine.as_deref(), Some("Ender-3 V2"));
        assert_eq!(host.status().job.as_ref().map(|j| j.done), Some(500));
    }
}

#[test]
fn resend_storms_lose_and_repeat_nothing() {
    for (in_flight, seed) in [(1, 3), (2, 5), (3, 11), (3, 12), (4, 13)] {
        let job = job(2000);
        let (host, ran) = run(
            in_flight,
            &job,
            Link {
                corrupt: 0.08,
                lose_line: 0.0,
                lose_ok: 0.0,
            },
            seed,
        );
        assert_eq!(ran.len(), job.len(), "in flight {in_flight}");
        assert_eq!(ran, job);
        assert!(host.status().resends > 50);
        assert_eq!(host.status().state, State::Idle);
    }
}

#[test]
fn lost_lines_and_lost_oks_are_recovered_by_timeouts() {
    for (in_flight, seed) in [(1, 21), (3, 22)] {
        let job = job(1000);
        let link = Link {
            corrupt: 0.03,
            lose_line: 0.01,
            lose_ok: 0.01,
        };
        let (host, ran) = run(in_flight, &job, link, seed);
        assert_eq!(ran, job, "in flight {in_flight}");
        assert!(host.status().timeouts > 3);
    }
}

fn connected() -> (Host, f64) {
    let mut host = Host::new(HostConfig::default());
    host.opened(0.0);
    host.received(b"start\n", 0.1);
    assert!(host.poll(0.2).is_empty(), "a moment after the banner");
    assert_eq!(host.poll(0.5), ["N0 M110 N0*125\n"]);
    host.received(b"ok\n", 0.6);
    assert_eq!(host.poll(0.6), ["N1 M115*39\n"]);
    host.received(
        b"FIRMWARE_NAME:Marlin 2.1\nCap:AUTOREPORT_TEMP:0\nok\n",
        0.7,
    );
    assert!(host.poll(0.7).is_empty() || host.status().state == State::Idle);
    assert_eq!(host.status().state, State::Idle);
    assert!(host.take_events().contains(&Event::Connected));
    (host, 0.7)
}

#[test]
fn the_handshake_waits_for_the_board_or_the_boot_time() {
    let mut host = Host::new(HostConfig::default());
    host.opened(0.0);
    assert!(host.poll(1.0).is_empty(), "nothing before the board is up");
    assert_eq!(host.poll(2.6), ["N0 M110 N0*125\n"]);
    // Autoreporting firmware is asked for reports instead of being polled.
    let (mut host, now) = connected();
    host.status
        .capabilities
        .insert("AUTOREPORT_TEMP".into(), true);
    assert!(host.poll(now + 10.0).is_empty());
}

#[test]
fn busy_printers_are_waited_for_and_silent_ones_given_up() {
    let (mut host, mut now) = connected();
    host.command("G28");
    let sent = host.poll(now);
    assert!(sent[0].contains("G28"));
    // Homing: busy keep-alives for a minute; no probe goes out.
    for _ in 0..30 {
        now += 2.0;
        host.received(b"echo:busy: processing\n", now);
        assert!(host.poll(now).iter().all(|l| !l.contains("M105")));
    }
    host.received(b"ok\n", now);
    // A printer that stops answering: probes, then an error naming the problem.
    host.command("G1 X10");
    host.poll(now);
    for _ in 0..10 {
        now += 7.0;
        host.poll(now);
    }
    assert_eq!(
        host.status().state,
        State::Error("the printer stopped answering".into())
    );
    assert!(host.print("G1 X1", now).is_err());
}

#[test]
fn firmware_errors_stop_the_job_with_its_words() {
    let (mut host, now) = connected();
    host.print("G1 X1\nG1 X2\nG1 X3", now).unwrap();
    host.poll(now);
    host.received(b"Error:Thermal Runaway, system stopped! Heater_ID: 0\nError:Printer halted. kill() called!\n", now);
    assert_eq!(
        host.status().state,
        State::Error("the printer reported: Thermal Runaway, system stopped! Heater_ID: 0 (after line 0 of 3 of the job)".into())
    );
    assert!(host.poll(now + 1.0).is_empty());
    // A reboot in the middle of a print is an error too.
    let (mut host, now) = connected();
    host.print("G1 X1\nG1 X2", now).unwrap();
    host.poll(now);
    host.received(b"start\n", now);
    assert!(matches!(host.status().state, State::Error(_)));
}

#[test]
fn a_lost_connection_says_at_which_line_and_layer() {
    let (mut host, now) = connected();
    let gcode = "; Lamina\nG28\nG1 Z5\n;LAYER_CHANGE\n;Z:0.2\nG1 X1 E1\nG1 X2 E1\n\
                 ;LAYER_CHANGE\n;Z:0.4\nG1 X3 E1 ; move\nG1 X4 E1\n;LAYER_CHANGE\n;Z:0.6\nG1 X5 E1\n";
    assert_eq!(host.print(gcode, now), Ok(7));
    // The printer confirms five lines: the first of layer 2 is the last done.
    while host.status().job.as_ref().is_some_and(|j| j.done < 5) {
        assert_eq!(host.poll(now).len(), 1);
        host.received(b"ok\n", now);
    }
    assert_eq!(host.status().job.as_ref().map(|j| j.done), Some(5));
    host.closed();
    assert_eq!(
        host.status().state,
        State::Error(
            "the connection to the printer was lost during the print (after line 5 of 7 of the job, \
             in layer 2 of 3, Z 0.4 mm; Resume a failed print from layer 2 can finish it if the \
             printer kept its position)"
                .into()
        )
    );
}

#[test]
fn pause_resume_and_cancel() {
    let (mut host, now) = connected();
    // Temperatures are polled first after connecting.
    assert!(host.poll(now)[0].contains("M105"));
    host.received(b"ok T:20.0 /0.0\n", now);
    host.print("G1 X1\nG1 X2\nG1 X3\nG1 X4", now).unwrap();
    assert!(host.poll(now)[0].contains("G1 X1"));
    host.pause();
    host.received(b"ok\n", now);
    assert!(host.poll(now).is_empty(), "nothing new while paused");
    host.resume();
    assert!(host.poll(now)[0].contains("G1 X2"));
    host.cancel();
    let mut sent = Vec::new();
    for _ in 0..20 {
        host.received(b"ok\n", now);
        sent.extend(host.poll(now));
    }
    let text = sent.join("");
    assert!(text.contains("M104 S0") && text.contains("M140 S0") && text.contains("G28 X"));
    assert!(!text.contains("G1 X3"), "the rest of the job is dropped");
    assert_eq!(host.status().state, State::Idle);
    assert!(host.take_events().contains(&Event::JobCancelled));
    assert_eq!(host.emergency_stop(), "M112\n");
    assert_eq!(host.status().state, State::Error("emergency stop".into()));
}

#[test]
fn temperatures_are_polled_and_parsed_while_printing() {
    let (mut host, now) = connected();
    host.print("G1 X1\nG1 X2", now).unwrap();
    let first = host.poll(now + 5.0);
    assert!(first[0].contains("M105"), "{first:?}");
    host.received(b"ok T:200.5 /210.0 B:59.0 /60.0 @:90 B@:20\n", now + 5.1);
    let t = &host.status().temperatures;
    assert_eq!((t[0].current, t[0].target), (200.5, Some(210.0)));
    assert_eq!((t[1].current, t[1].target), (59.0, Some(60.0)));
}
