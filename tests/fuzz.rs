//! Every parser that reads outside input survives hostile bytes: the fuzz targets
//! (`tests/fuzz/targets.rs`) run on their seeds, on every input the fuzzer ever found a fault
//! with (`tests/fuzz/regressions/<target>/`), and on a short, reproducible run of mutations.
//! The long, coverage-guided runs are `scripts/fuzz.sh` (RELIABILITY.md); set
//! LAMINA_FUZZ_EXECS to change the number of mutations per target here.

#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/panics.rs"]
mod panics;
#[path = "fuzz/targets.rs"]
mod targets;

use mutate::{Rng, hash, mutate};
use std::path::Path;
use targets::TARGETS;

/// Runs one input; the panic's place and message if it panicked.
fn survives(run: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    panics::catch(|| run(input))
}

#[test]
fn no_parser_panics_on_hostile_input() {
    panics::quiet();
    // The harness itself: a panicking target is caught, with where and why.
    let caught = survives(|_| panic!("boom"), b"").unwrap_err();
    assert!(
        caught.starts_with("tests/fuzz.rs:") && caught.ends_with(": boom"),
        "{caught}"
    );
    let execs: usize = std::env::var("LAMINA_FUZZ_EXECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-output/fuzz");
    let mut failures = Vec::new();
    let mut regressions_run = 0;
    for target in TARGETS {
        let seeds = (target.seeds)();
        assert!(!seeds.is_empty(), "{}: no seeds", target.name);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz/regressions")
            .join(target.name);
        let mut regressions: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        regressions.sort();
        let mut fail = |input: &[u8], why: String| {
            let file = out.join(format!("{}-{}.bin", target.name, hash(input)));
            std::fs::create_dir_all(&out).expect("output folder");
            std::fs::write(&file, input).expect("write the input");
            failures.push(format!(
                "{}: {why} (input: {})",
                target.name,
                file.display()
            ));
        };
        for path in &regressions {
            let input = std::fs::read(path).expect("read a regression input");
            regressions_run += 1;
            if let Err(why) = survives(target.run, &input) {
                fail(&input, format!("{why}, a regression ({})", path.display()));
            }
        }
        for seed in &seeds {
            if let Err(why) = survives(target.run, seed) {
                fail(seed, format!("{why}, a seed"));
            }
        }
        let mut rng = Rng::new(
            target
                .name
                .bytes()
                .fold(0x1a31_u64, |h, b| h.wrapping_mul(31) + b as u64),
        );
        let mut input = Vec::new();
        for _ in 0..execs {
            input.clear();
            input.extend_from_slice(&seeds[rng.below(seeds.len())]);
            mutate(
                &mut input,
                &mut rng,
                target.dictionary,
                &seeds,
                target.max_len,
            );
            if let Err(why) = survives(target.run, &input) {
                fail(&input, why);
                break;
            }
        }
    }
    let _ = std::panic::take_hook();
    println!(
        "{} targets, {execs} mutations each, {regressions_run} regression inputs",
        TARGETS.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
