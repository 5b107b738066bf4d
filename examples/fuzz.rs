//! Lamina's fuzzer: runs every parser that reads outside input (`tests/fuzz/targets.rs`) on
//! mutated inputs, and reports executions, coverage and findings. `scripts/fuzz.sh` builds it
//! with coverage counters and runs it; RELIABILITY.md keeps its report.
//!
//! Written here rather than with cargo-fuzz because cargo-fuzz needs a nightly toolchain and
//! a C++ libFuzzer build; this runs on the stable toolchain the project already uses. Coverage
//! comes from LLVM's SanitizerCoverage counters, which stable rustc emits with
//! `-Cpasses=sancov-module` (the flags are in scripts/fuzz.sh): the counters of every function
//! the input ran are read after each run, and an input that reached a new counter, or a
//! counter a new number of times (in powers of two), is kept to mutate further. Built without
//! those flags it still runs, as plain mutation of the seeds.
//!
//! Each target runs in a child process, so that what cannot be caught inside one — an
//! allocation beyond the cap, a stack overflow, a hang — is recorded with the input that
//! caused it, and the run goes on in a new child. Panics are caught in the child.
//!
//! ```text
//! fuzz [--target NAME]... [--execs N] [--seconds S] [--jobs J] [--timeout-ms T]
//!      [--max-heap-mb M] [--out DIR] [--seed X]
//! ```

#[path = "../tests/fuzz/mutate.rs"]
mod mutate;
#[path = "../tests/fuzz/panics.rs"]
mod panics;
#[path = "../tests/fuzz/targets.rs"]
mod targets;

use mutate::{Rng, hash, mutate};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use targets::{TARGETS, Target};

// ---- The heap cap: live bytes are counted, and going over the cap stops the child. ----

struct Capped;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// 0: no cap (the parent, and the child while it loads seeds).
static CAP: AtomicUsize = AtomicUsize::new(0);

impl Capped {
    fn grow(&self, size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        let cap = CAP.load(Ordering::Relaxed);
        if cap != 0 && live > cap {
            // Nothing here may allocate: a fixed message, then abort; the parent reads the
            // message and keeps the input.
            let _ = std::io::stderr().write_all(b"\nfuzz: the heap went over the cap\n");
            std::process::abort();
        }
    }
}

unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.grow(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            self.grow(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Capped = Capped;

// ---- Coverage: SanitizerCoverage's inline 8-bit counters, one array per module. ----

const MAX_REGIONS: usize = 4096;
static REGION_START: [AtomicUsize; MAX_REGIONS] = [const { AtomicUsize::new(0) }; MAX_REGIONS];
static REGION_LEN: [AtomicUsize; MAX_REGIONS] = [const { AtomicUsize::new(0) }; MAX_REGIONS];
static REGIONS: AtomicUsize = AtomicUsize::new(0);

/// Called by the instrumented modules' constructors with their counters.
#[unsafe(no_mangle)]
pub extern "C" fn __sanitizer_cov_8bit_counters_init(start: *mut u8, stop: *mut u8) {
    let i = REGIONS.fetch_add(1, Ordering::Relaxed);
    if i < MAX_REGIONS && stop > start {
        REGION_START[i].store(start as usize, Ordering::Relaxed);
        REGION_LEN[i].store(stop as usize - start as usize, Ordering::Relaxed);
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn __sanitizer_cov_pcs_init(_start: *const usize, _stop: *const usize) {}

struct Coverage {
    regions: Vec<(usize, usize)>,
    /// Per counter, the hit-count buckets seen so far (one bit each).
    seen: Vec<u8>,
    features: usize,
}

fn bucket(v: u8) -> u8 {
    match v {
        1 => 0,
        2 => 1,
        3 => 2,
        4..=7 => 3,
        8..=15 => 4,
        16..=31 => 5,
        32..=127 => 6,
        _ => 7,
    }
}

impl Coverage {
    fn new() -> Coverage {
        let n = REGIONS.load(Ordering::Relaxed).min(MAX_REGIONS);
        let regions: Vec<(usize, usize)> = (0..n)
            .map(|i| {
                (
                    REGION_START[i].load(Ordering::Relaxed),
                    REGION_LEN[i].load(Ordering::Relaxed),
                )
            })
            .filter(|&(s, l)| s != 0 && l != 0)
            .collect();
        let total = regions.iter().map(|r| r.1).sum();
        Coverage {
            regions,
            seen: vec![0; total],
            features: 0,
        }
    }

    fn counters(&self) -> usize {
        self.seen.len()
    }

    fn clear(&self) {
        for &(start, len) in &self.regions {
            // SAFETY: the region is the module's counter array, given by its constructor;
            // only this thread runs instrumented code while fuzzing.
            unsafe { std::ptr::write_bytes(start as *mut u8, 0, len) };
        }
    }

    /// Takes the counters of the last run into the seen set; true if anything was new.
    fn collect(&mut self) -> bool {
        let mut new = false;
        let mut base = 0;
        for &(start, len) in &self.regions {
            // SAFETY: as in `clear`.
            let counters = unsafe { std::slice::from_raw_parts(start as *const u8, len) };
            // Most counters are zero: skip them eight at a time.
            for (c, chunk) in counters.chunks(8).enumerate() {
                if chunk.len() == 8 && u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8])) == 0 {
                    continue;
                }
                for (k, &v) in chunk.iter().enumerate() {
                    if v != 0 {
                        let bit = 1 << bucket(v);
                        let seen = &mut self.seen[base + c * 8 + k];
                        if *seen & bit == 0 {
                            *seen |= bit;
                            self.features += 1;
                            new = true;
                        }
                    }
                }
            }
            base += len;
        }
        new
    }
}

// ---- Options ----

#[derive(Clone)]
struct Options {
    targets: Vec<String>,
    execs: u64,
    seconds: f64,
    jobs: usize,
    timeout_ms: u64,
    max_heap_mb: usize,
    out: PathBuf,
    seed: u64,
}

fn options(args: &[String]) -> Result<(Options, Option<String>), String> {
    let mut o = Options {
        targets: Vec::new(),
        execs: 1_000_000,
        seconds: f64::INFINITY,
        jobs: 1,
        timeout_ms: 5_000,
        max_heap_mb: 512,
        out: PathBuf::from("target/fuzz"),
        seed: 1,
    };
    let mut child = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        let number = |v: String| {
            v.parse::<f64>()
                .map_err(|_| format!("{a}: not a number: {v}"))
        };
        match a.as_str() {
            "--target" => o.targets.push(value()?),
            "--execs" => o.execs = number(value()?)? as u64,
            "--seconds" => o.seconds = number(value()?)?,
            "--jobs" => o.jobs = (number(value()?)? as usize).max(1),
            "--timeout-ms" => o.timeout_ms = number(value()?)? as u64,
            "--max-heap-mb" => o.max_heap_mb = number(value()?)? as usize,
            "--out" => o.out = PathBuf::from(value()?),
            "--seed" => o.seed = number(value()?)? as u64,
            "--child" => child = Some(value()?),
            "--help" | "-h" => {
                println!(
                    "fuzz [--target NAME]... [--execs N] [--seconds S] [--jobs J] [--timeout-ms T] [--max-heap-mb M] [--out DIR] [--seed X]"
                );
                println!("targets:");
                for t in TARGETS {
                    println!("  {:14} {}", t.name, t.reads);
                }
                std::process::exit(0);
            }
            _ => return Err(format!("unknown option {a} (try --help)")),
        }
    }
    for t in &o.targets {
        if targets::target(t).is_none() {
            return Err(format!("no target named {t} (try --help)"));
        }
    }
    if o.targets.is_empty() {
        o.targets = TARGETS.iter().map(|t| t.name.to_string()).collect();
    }
    Ok((o, child))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (o, child) = match options(&args) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("fuzz: {e}");
            std::process::exit(2);
        }
    };
    if let Some(name) = child {
        let target = targets::target(&name).expect("checked in options");
        run_child(target, &o);
    } else {
        run_parent(&o);
    }
}

// ---- The child: one target's fuzzing loop ----

static RUNNING_SINCE_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn findings_dir(o: &Options, target: &str) -> PathBuf {
    o.out.join("findings").join(target)
}

fn corpus_dir(o: &Options, target: &str) -> PathBuf {
    o.out.join("corpus").join(target)
}

fn current_file(o: &Options, target: &str) -> PathBuf {
    o.out.join(format!("current-{target}.bin"))
}

/// Inputs already found to crash the child (so a restart skips them).
fn skip_list(o: &Options, target: &str) -> HashSet<String> {
    std::fs::read_to_string(o.out.join(format!("skip-{target}.txt")))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn read_dir_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn run_child(target: &'static Target, o: &Options) {
    use std::os::unix::fs::FileExt;
    let timeout = o.timeout_ms;
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let since = RUNNING_SINCE_MS.load(Ordering::Relaxed);
            if since != 0 && now_ms().saturating_sub(since) > timeout {
                eprintln!("\nfuzz: hang: one input ran over {timeout} ms");
                std::process::exit(3);
            }
        }
    });
    let findings = findings_dir(o, target.name);
    let corpus_path = corpus_dir(o, target.name);
    std::fs::create_dir_all(&findings).expect("findings folder");
    std::fs::create_dir_all(&corpus_path).expect("corpus folder");
    let current = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(current_file(o, target.name))
        .expect("current input file");
    let skip = skip_list(o, target.name);
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/regressions")
        .join(target.name);
    let mut initial = (target.seeds)();
    initial.extend(read_dir_files(&regressions));
    initial.extend(read_dir_files(&corpus_path));
    initial.retain(|i| !skip.contains(&hash(i)));
    for i in &mut initial {
        i.truncate(target.max_len);
    }

    let mut coverage = Coverage::new();
    let mut rng = Rng::new(o.seed ^ now_ms() ^ (std::process::id() as u64) << 32);
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let mut panics: BTreeMap<String, usize> = BTreeMap::new();
    let mut execs: u64 = 0;
    let mut peak_heap: usize = 0;
    let started = Instant::now();
    let mut last_report = Instant::now();
    // Seeds are made; from here a panic is a finding, recorded rather than printed.
    panics::quiet();
    let cap = o.max_heap_mb << 20;

    let run_one = |input: &[u8],
                   coverage: &mut Coverage,
                   panics: &mut BTreeMap<String, usize>,
                   peak_heap: &mut usize|
     -> bool {
        let _ = current.write_at(&(input.len() as u32).to_le_bytes(), 0);
        let _ = current.write_at(input, 4);
        coverage.clear();
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        CAP.store(base + cap, Ordering::Relaxed);
        RUNNING_SINCE_MS.store(now_ms(), Ordering::Relaxed);
        let result = panics::catch(|| (target.run)(input));
        RUNNING_SINCE_MS.store(0, Ordering::Relaxed);
        CAP.store(0, Ordering::Relaxed);
        *peak_heap = (*peak_heap).max(PEAK.load(Ordering::Relaxed) - base);
        if let Err(at) = result {
            let place = at.split(": ").next().unwrap_or("").to_string();
            let count = panics.entry(place).or_insert(0);
            if *count == 0 {
                let name = format!("panic-{}", hash(input));
                let _ = std::fs::write(findings.join(format!("{name}.bin")), input);
                let _ = std::fs::write(findings.join(format!("{name}.txt")), &at);
                println!("finding panic {name} {at}");
            }
            *count += 1;
            return false;
        }
        coverage.collect()
    };

    for input in initial {
        run_one(&input, &mut coverage, &mut panics, &mut peak_heap);
        execs += 1;
        corpus.push(input);
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let report = |execs: u64,
                  corpus: usize,
                  coverage: &Coverage,
                  panics: &BTreeMap<String, usize>,
                  peak: usize,
                  done: bool| {
        println!(
            "{} execs={execs} corpus={corpus} features={} counters={} panics={} peak_heap={peak}",
            if done { "done" } else { "progress" },
            coverage.features,
            coverage.counters(),
            panics.values().sum::<usize>(),
        );
    };
    let mut input = Vec::new();
    while execs < o.execs && started.elapsed().as_secs_f64() < o.seconds {
        let parent = &corpus[rng.below(corpus.len())];
        input.clear();
        input.extend_from_slice(parent);
        mutate(
            &mut input,
            &mut rng,
            target.dictionary,
            &corpus,
            target.max_len,
        );
        let new = run_one(&input, &mut coverage, &mut panics, &mut peak_heap);
        execs += 1;
        if new {
            let _ = std::fs::write(corpus_path.join(hash(&input)), &input);
            corpus.push(input.clone());
        }
        if last_report.elapsed() >= Duration::from_secs(1) {
            report(execs, corpus.len(), &coverage, &panics, peak_heap, false);
            last_report = Instant::now();
        }
    }
    report(execs, corpus.len(), &coverage, &panics, peak_heap, true);
}

// ---- The parent: children per target, findings, and the report ----

#[derive(Default, Clone)]
struct Tally {
    execs: u64,
    seconds: f64,
    corpus: usize,
    features: usize,
    counters: usize,
    panics: u64,
    peak_heap: usize,
    /// (kind, input file, what was said)
    findings: Vec<(String, String, String)>,
    restarts: usize,
}

fn field(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

fn fuzz_target(name: &str, o: &Options) -> Tally {
    let exe = std::env::current_exe().expect("own path");
    let mut tally = Tally::default();
    let started = Instant::now();
    let _ = std::fs::remove_file(o.out.join(format!("skip-{name}.txt")));
    loop {
        let left_execs = o.execs.saturating_sub(tally.execs);
        let left_seconds = o.seconds - started.elapsed().as_secs_f64();
        if left_execs == 0 || left_seconds <= 0.0 || tally.restarts > 100 {
            break;
        }
        let mut child = Command::new(&exe)
            .args(["--child", name])
            .args(["--execs", &left_execs.to_string()])
            .args(["--seconds", &left_seconds.to_string()])
            .args(["--timeout-ms", &o.timeout_ms.to_string()])
            .args(["--max-heap-mb", &o.max_heap_mb.to_string()])
            .args(["--seed", &(o.seed + tally.restarts as u64).to_string()])
            .arg("--out")
            .arg(&o.out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a child");
        let stderr = child.stderr.take().expect("stderr");
        let said = std::thread::spawn(move || {
            let mut tail = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                tail.push_str(&line);
                tail.push('\n');
                if tail.len() > 8192 {
                    tail.drain(..tail.len() - 4096);
                }
            }
            tail
        });
        let mut last = (0u64, 0usize, 0usize, 0usize, 0u64, 0usize);
        let mut done = false;
        for line in BufReader::new(child.stdout.take().expect("stdout"))
            .lines()
            .map_while(Result::ok)
        {
            if let Some(rest) = line.strip_prefix("finding ") {
                let mut words = rest.splitn(3, ' ');
                let kind = words.next().unwrap_or("").to_string();
                let file = words.next().unwrap_or("").to_string();
                let what = words.next().unwrap_or("").to_string();
                eprintln!("{name}: {kind} {file}: {what}");
                tally.findings.push((kind, file, what));
            } else if line.starts_with("progress ") || line.starts_with("done ") {
                last = (
                    field(&line, "execs").unwrap_or(0),
                    field(&line, "corpus").unwrap_or(0) as usize,
                    field(&line, "features").unwrap_or(0) as usize,
                    field(&line, "counters").unwrap_or(0) as usize,
                    field(&line, "panics").unwrap_or(0),
                    field(&line, "peak_heap").unwrap_or(0) as usize,
                );
                done = line.starts_with("done ");
            }
        }
        let status = child.wait().expect("child status");
        let said = said.join().unwrap_or_default();
        tally.execs += last.0;
        tally.corpus = tally.corpus.max(last.1);
        tally.features = tally.features.max(last.2);
        tally.counters = tally.counters.max(last.3);
        tally.panics += last.4;
        tally.peak_heap = tally.peak_heap.max(last.5);
        if done && status.success() {
            break;
        }
        // The child died: keep the input it was running.
        tally.restarts += 1;
        tally.execs += 1;
        let input = std::fs::read(current_file(o, name))
            .ok()
            .and_then(|b| {
                let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
                b.get(4..4 + n).map(<[u8]>::to_vec)
            })
            .unwrap_or_default();
        let kind = if said.contains("over the cap") {
            "heap"
        } else if said.contains("hang:") {
            "hang"
        } else if said.contains("overflowed its stack") {
            "stack"
        } else {
            "crash"
        };
        let file = format!("{kind}-{}", hash(&input));
        let dir = findings_dir(o, name);
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{file}.bin")), &input);
        let what = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        let what = format!("{what} ({status})");
        let _ = std::fs::write(dir.join(format!("{file}.txt")), &what);
        eprintln!("{name}: {kind} {file}: {what}");
        tally.findings.push((kind.into(), file, what));
        let mut skip = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(o.out.join(format!("skip-{name}.txt")))
            .expect("skip list");
        let _ = writeln!(skip, "{}", hash(&input));
    }
    tally.seconds = started.elapsed().as_secs_f64();
    tally
}

fn run_parent(o: &Options) {
    std::fs::create_dir_all(&o.out).expect("output folder");
    let queue = Mutex::new(o.targets.clone());
    let results: Mutex<BTreeMap<String, Tally>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..o.jobs.min(o.targets.len()) {
            s.spawn(|| {
                loop {
                    let Some(name) = queue.lock().expect("queue").pop() else {
                        return;
                    };
                    let t = fuzz_target(&name, o);
                    eprintln!(
                        "{name}: {} execs in {:.0} s, {} findings",
                        t.execs,
                        t.seconds,
                        t.findings.len()
                    );
                    results.lock().expect("results").insert(name, t);
                }
            });
        }
    });
    let results = results.into_inner().expect("results");
    let mut report = String::new();
    report.push_str("| target | reads | executions | per second | corpus | coverage (counter buckets) | peak heap per input | panics | hangs | over the heap cap | crashes |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    let mut total_findings = 0;
    for name in &o.targets {
        let t = &results[name];
        let target = targets::target(name).expect("known");
        let count = |k: &str| t.findings.iter().filter(|f| f.0 == k).count();
        total_findings += t.findings.len();
        report.push_str(&format!(
            "| {name} | {} | {} | {:.0} | {} | {} of {} | {:.1} MB | {} | {} | {} | {} |\n",
            target.reads,
            t.execs,
            t.execs as f64 / t.seconds.max(1e-9),
            t.corpus,
            t.features,
            t.counters,
            t.peak_heap as f64 / 1e6,
            t.panics,
            count("hang"),
            count("heap"),
            count("crash") + count("stack"),
        ));
    }
    report.push_str(&format!(
        "\nHeap cap {} MB per input, hang after {} ms; findings in {}.\n",
        o.max_heap_mb,
        o.timeout_ms,
        o.out.join("findings").display()
    ));
    for (name, t) in &results {
        for (kind, file, what) in &t.findings {
            report.push_str(&format!("- {name} {kind} {file}: {what}\n"));
        }
    }
    let _ = std::fs::write(o.out.join("report.md"), &report);
    println!("{report}");
    if total_findings > 0 {
        std::process::exit(1);
    }
}
