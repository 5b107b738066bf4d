//! The OctoPrint client (`engine::printer::octoprint`) against a real OctoPrint 1.11 server
//! on 127.0.0.1 with its virtual printer, started by the shared `tools/printers/octoprint.sh`
//! (OctoPrint from PyPI, installed by scripts/test.sh in `target/octoprint`): upload a job
//! with print=true, see it printing with progress moving, pause and resume it, and see it
//! finish. The Moonraker client against a real Moonraker with no Klipper behind it, and the
//! Creality stock-firmware protocol against tests/creality_sim.py.

mod common;

use lamina::engine::printer::lan::{Client, Kind, Upload};
use lamina::engine::printer::moonraker::Moonraker;
use lamina::engine::printer::octoprint::{JobCommand, OctoPrint, check, parse_job, parse_printer};
use lamina::engine::printer::{Request, creality};
use lamina::engine::settings::{SettingValue, Thumbnails};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Sends a request over plain HTTP/1.1 and returns the status and body.
fn send(base: &str, r: &Request) -> (u16, Vec<u8>) {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).expect("connect to OctoPrint");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        r.method,
        r.path,
        r.body.len()
    );
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&r.body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 4 + size..];
        }
        body = out;
    }
    (status, body)
}

struct Server {
    script: PathBuf,
    home: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(&self.script)
            .arg("stop")
            .env("OCTO_HOME", &self.home)
            .status();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn uploads_prints_pauses_and_finishes_on_a_real_octoprint() {
    let home = std::env::var_os("OCTO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/octoprint"));
    assert!(
        home.join("venv/bin/octoprint").exists(),
        "OctoPrint is not installed in {}: scripts/test.sh installs it, or set OCTO_HOME",
        home.display()
    );
    let script = common::shared().join("tools/printers/octoprint.sh");
    let port = free_port();
    let out = Command::new("bash")
        .arg(&script)
        .args(["start", &port.to_string()])
        .env("OCTO_HOME", &home)
        .output()
        .expect("run octoprint.sh");
    let _server = Server {
        script: script.clone(),
        home: home.clone(),
    };
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    let mut words = line.split_whitespace();
    let (Some(base), Some(key)) = (words.next(), words.next()) else {
        panic!(
            "OctoPrint did not start: {line}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let base = base.to_string();

    // A wrong key is named as such.
    let (status, body) = send(&base, &OctoPrint::new("WRONG").job());
    assert_eq!(
        check(status, &body).unwrap_err().to_string(),
        "OctoPrint refused the API key (check it under Settings → Application Keys)"
    );

    let o = OctoPrint::new(key);
    // The virtual printer connects in the background.
    let t0 = Instant::now();
    loop {
        let (status, body) = send(&base, &o.printer());
        if status == 200 && parse_printer(&body).unwrap().state == "Operational" {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the virtual printer did not connect"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // The app's face for every kind reads the same server.
    let client = Client::new(Kind::OctoPrint, key);
    let t0 = Instant::now();
    loop {
        let answers: Vec<_> = client
            .status_requests()
            .iter()
            .map(|r| send(&base, r))
            .collect();
        let status = client.read_status(&answers).unwrap().status;
        assert_eq!(status.state, "Operational");
        // The first temperature report comes a moment after connecting.
        if status.heaters.iter().any(|h| h.0 == "nozzle") {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "{status:?}");
        std::thread::sleep(Duration::from_millis(500));
    }

    // A job of a few seconds on the virtual printer: slow moves.
    let mut gcode = String::from("; from Lamina's tests\nG28\nG90\nM104 S0\n");
    for i in 0..40 {
        gcode.push_str(&format!(
            "G1 X{} Y{} F1200\n",
            10 + i % 20,
            10 + (i * 7) % 20
        ));
    }
    let (status, body) = send(
        &base,
        &o.upload("lamina-test.gcode", gcode.as_bytes(), true),
    );
    check(status, &body).unwrap();
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));

    let mut seen_printing = false;
    let mut completions = Vec::new();
    let mut paused = false;
    let t0 = Instant::now();
    loop {
        assert!(
            t0.elapsed() < Duration::from_secs(180),
            "the job did not finish: {completions:?}"
        );
        let (status, body) = send(&base, &o.job());
        check(status, &body).unwrap();
        let job = parse_job(&body).unwrap();
        if job.printing() {
            seen_printing = true;
            assert_eq!(job.file.as_deref(), Some("lamina-test.gcode"));
            if let Some(c) = job.completion {
                completions.push(c);
            }
            if !paused && completions.iter().any(|&c| c > 10.0) {
                let (s, b) = send(&base, &o.command(JobCommand::Pause));
                check(s, &b).unwrap();
                let t = Instant::now();
                while !parse_job(&send(&base, &o.job()).1)
                    .unwrap()
                    .state
                    .starts_with("Paused")
                {
                    assert!(
                        t.elapsed() < Duration::from_secs(30),
                        "the job did not pause"
                    );
                    std::thread::sleep(Duration::from_millis(200));
                }
                let (s, b) = send(&base, &o.command(JobCommand::Resume));
                check(s, &b).unwrap();
                paused = true;
            }
        } else if seen_printing && job.state == "Operational" {
            assert_eq!(job.completion, Some(100.0), "{job:?}");
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(paused, "the job was paused and resumed");
    assert!(
        completions.windows(2).any(|w| w[1] > w[0]),
        "progress moved: {completions:?}"
    );
}

struct MoonrakerServer {
    script: PathBuf,
}

impl Drop for MoonrakerServer {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(&self.script).arg("stop").status();
    }
}

/// The Moonraker client, through `lan`, against a real Moonraker 0.11 (from PyPI, started by
/// scripts/moonraker.sh) with no Klipper behind it: Klipper's absence is named, a file
/// uploads byte for byte and is reported stored but not started, and starting it gives
/// Moonraker's own reason.
#[test]
fn uploads_to_a_real_moonraker_and_names_klipper_missing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let home = std::env::var_os("MOONRAKER_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/moonraker"));
    assert!(
        home.join("venv/bin/moonraker").exists(),
        "Moonraker is not installed in {}: scripts/test.sh installs it, or set MOONRAKER_HOME",
        home.display()
    );
    let script = root.join("scripts/moonraker.sh");
    let port = free_port();
    let out = Command::new("bash")
        .arg(&script)
        .args(["start", &port.to_string()])
        .env("MOONRAKER_HOME", &home)
        .output()
        .expect("run moonraker.sh");
    let _server = MoonrakerServer {
        script: script.clone(),
    };
    let base = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "Moonraker did not start: {base}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let client = Client::new(Kind::Moonraker, "");
    let answers: Vec<_> = client
        .status_requests()
        .iter()
        .map(|r| send(&base, r))
        .collect();
    let e = client.read_status(&answers).unwrap_err();
    assert!(
        e.to_string()
            .contains("Klipper is not ready (disconnected)"),
        "{e}"
    );

    let gcode = b"; from Lamina's tests\nG28\nG1 X10 Y10 F3000\n".repeat(50);
    let (status, body) = send(&base, &client.upload("lamina test.gcode", &gcode, true));
    assert_eq!(
        client.read_upload(status, &body, true),
        Ok(Upload::Stored),
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(
        std::fs::read(home.join("data/gcodes/lamina test.gcode")).unwrap(),
        gcode
    );
    let (status, body) = send(&base, &Moonraker::default().start("lamina test.gcode"));
    let e = client.read_answer(status, &body).unwrap_err();
    assert!(e.to_string().contains("Klippy Host not connected"), "{e}");

    // The G-code's thumbnails are found: Moonraker lists them in the file's metadata (what
    // Mainsail and Fluidd show) and writes them out as pictures.
    let cube = lamina::engine::model::shapes::shape("cube").unwrap();
    let pictures = Thumbnails::parse("32x32/PNG, 300x300/PNG").unwrap();
    let mut gcode = format!(
        "; generated by Lamina\n{}G28\n",
        lamina::engine::gcode::thumbnails::write(&cube, &pictures)
    );
    gcode.push_str(&"G1 X10 Y10 F3000\n".repeat(50));
    let (status, body) = send(
        &base,
        &client.upload("thumbs.gcode", gcode.as_bytes(), false),
    );
    assert_eq!(client.read_upload(status, &body, false), Ok(Upload::Stored));
    let t0 = Instant::now();
    let thumbs = loop {
        let (_, body) = send(
            &base,
            &Request::new(
                "GET",
                "/server/files/metadata?filename=thumbs.gcode",
                None,
                &[],
                Vec::new(),
            ),
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        if let Some(t) = v.pointer("/result/thumbnails").and_then(|t| t.as_array()) {
            break t.clone();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no thumbnails in {}",
            String::from_utf8_lossy(&body)
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    let sizes: Vec<(u64, u64)> = thumbs
        .iter()
        .map(|t| (t["width"].as_u64().unwrap(), t["height"].as_u64().unwrap()))
        .collect();
    assert_eq!(sizes, [(32, 32), (300, 300)]);
    for t in &thumbs {
        let path = home
            .join("data/gcodes")
            .join(t["relative_path"].as_str().unwrap());
        let png = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(png.starts_with(b"\x89PNG"));
    }
}

/// Moonraker's own metadata module, with Lamina's parser (scripts/moonraker) added as it
/// would go in upstream, reads a Lamina file's facts: the slicer and its version, the
/// estimated time, filament, layer heights, first-layer temperatures and thumbnails, which
/// Mainsail and Fluidd show. Without it Moonraker takes Lamina's files for an unknown
/// slicer's and finds none of these but the thumbnails.
#[test]
fn moonrakers_metadata_module_reads_lamina_files_with_laminas_parser() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let home = std::env::var_os("MOONRAKER_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/moonraker"));
    let lib = home.join("venv/lib");
    let metadata_py = std::fs::read_dir(&lib)
        .unwrap_or_else(|e| panic!("Moonraker is not installed in {}: {e}", home.display()))
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .join("site-packages/moonraker/components/file_manager/metadata.py")
        })
        .find(|p| p.exists())
        .expect("Moonraker's metadata.py");
    let sel = lamina::engine::settings::Selection {
        choice: lamina::engine::settings::Choice {
            printer: "creality-k1".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let s = lamina::engine::settings::resolve(&sel).unwrap();
    let (gcode, out) = common::slice_with(&common::model("20mm_cube.obj"), "lan-metadata", &s);
    let run = Command::new(home.join("venv/bin/python"))
        .arg(root.join("scripts/moonraker/check.py"))
        .arg(&metadata_py)
        .arg(&gcode)
        .output()
        .expect("run Moonraker's metadata module");
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&run.stderr));
    });
    let m = &v["metadata"];
    assert_eq!(m["slicer"], "Lamina", "{m}");
    assert_eq!(m["slicer_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["estimated_time"], out.stats.time_s.round());
    assert!((m["filament_total"].as_f64().unwrap() - out.stats.filament_mm).abs() < 0.01);
    assert!((m["filament_weight_total"].as_f64().unwrap() - out.stats.filament_g).abs() < 0.01);
    assert_eq!(m["layer_count"], 100);
    assert_eq!(m["layer_height"], 0.2);
    assert_eq!(m["first_layer_height"], 0.2);
    assert_eq!(m["object_height"], 20.0);
    assert_eq!(m["nozzle_diameter"], 0.4);
    assert_eq!(m["first_layer_extr_temp"], s.first_layer_temperature);
    assert_eq!(m["first_layer_bed_temp"], s.first_layer_bed_temperature);
    assert_eq!(m["filament_type"], "PLA");
    let sizes: Vec<u64> = m["thumbnails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["width"].as_u64().unwrap())
        .collect();
    assert!(sizes.contains(&96) && sizes.contains(&300), "{sizes:?}");
}

struct Simulator(std::process::Child);

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads socket messages into `frames` until `done` says so (or 30 s pass).
fn read_until(
    ws: &mut tungstenite::WebSocket<TcpStream>,
    frames: &mut creality::Frames,
    what: &str,
    done: impl Fn(&lamina::engine::printer::LanStatus) -> bool,
) {
    let t0 = Instant::now();
    loop {
        let status = frames.status();
        if done(&status) {
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "{what}: {status:?}");
        match ws.read() {
            Ok(tungstenite::Message::Text(t)) => {
                frames.feed(t.as_str());
            }
            Ok(_) => {}
            Err(e) => panic!("{what}: the socket failed: {e}"),
        }
    }
}

/// The Creality stock-firmware protocol (`engine::printer::creality`) against the printer
/// simulator in tests/creality_sim.py: model from /info, upload byte for byte (with the MD5
/// header checked), start, status pushes adding up, pause, resume, the job finishing, a stop,
/// and the printer going away giving an error rather than a hang.
#[test]
fn creality_stock_protocol_against_the_simulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/creality-sim-native");
    let _ = std::fs::remove_dir_all(&dir);
    let (http, ws_port) = (free_port(), free_port());
    let mut child = Command::new("python3")
        .arg(root.join("tests/creality_sim.py"))
        .args([
            "--http-port",
            &http.to_string(),
            "--ws-port",
            &ws_port.to_string(),
        ])
        .arg("--dir")
        .arg(&dir)
        .args(["--job-seconds", "3"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the simulator");
    let mut ready = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut ready,
    )
    .unwrap();
    assert_eq!(ready.trim(), "READY");
    let mut sim = Simulator(child);
    let base = format!("http://127.0.0.1:{http}");

    let (status, body) = send(&base, &creality::info());
    assert_eq!(status, 200);
    assert_eq!(creality::parse_info(&body).unwrap(), "F001");
    let gcode = b"; Lamina\nG28\nG1 X10 Y10 F3000\n".repeat(100);
    let (name, request) = creality::upload("my part.gcode", &gcode);
    let (status, body) = send(&base, &request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(std::fs::read(dir.join(&name)).unwrap(), gcode);

    let stream = TcpStream::connect(("127.0.0.1", ws_port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (mut ws, _) =
        tungstenite::client(format!("ws://127.0.0.1:{ws_port}/"), stream).expect("handshake");
    let mut frames = creality::Frames::default();
    read_until(&mut ws, &mut frames, "idle", |s| s.state == "Idle");
    assert!(frames.status().heaters.iter().any(|h| h.0 == "nozzle"));
    let say = |ws: &mut tungstenite::WebSocket<TcpStream>, m: String| {
        ws.send(tungstenite::Message::text(m)).unwrap()
    };
    say(&mut ws, creality::heartbeat("2026-11-30 12:00:00"));
    say(&mut ws, creality::start(&name));
    read_until(&mut ws, &mut frames, "printing", |s| {
        s.printing && s.progress.is_some_and(|p| p > 0.0)
    });
    assert_eq!(frames.status().file.as_deref(), Some("my_part.gcode"));
    say(&mut ws, creality::pause());
    read_until(&mut ws, &mut frames, "paused", |s| s.paused);
    say(&mut ws, creality::resume());
    read_until(&mut ws, &mut frames, "resumed", |s| s.printing);
    read_until(&mut ws, &mut frames, "finished", |s| s.state == "Finished");
    say(&mut ws, creality::start(&name));
    read_until(&mut ws, &mut frames, "printing again", |s| s.printing);
    say(&mut ws, creality::stop());
    read_until(&mut ws, &mut frames, "stopped", |s| s.state == "Stopped");

    // The printer goes away: the socket reports it, nothing waits forever.
    let _ = sim.0.kill();
    let _ = sim.0.wait();
    let t0 = Instant::now();
    while ws.read().is_ok() {
        assert!(t0.elapsed() < Duration::from_secs(15), "still answering");
    }
}
