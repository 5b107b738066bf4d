//! Lamina's STL reader against the stl_io crate, from the file's bytes to an indexed mesh as
//! the engine holds it, on 3DBenchy and on a 2-million-triangle sphere (binary STL, as most
//! exporters write). Time: median of 5 runs; memory: the peak of bytes allocated during one
//! read (a counting allocator), besides the file itself.
//!
//!   cargo run --release --example stl_bench -- ../shared/models/3DBenchy.3mf

use lamina::engine::mesh::{self, Mesh};
use lamina::engine::model::shapes;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = NOW.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(n, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        NOW.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// stl_io's indexed mesh, turned into the engine's.
fn with_stl_io(bytes: &[u8]) -> Mesh {
    let m = stl_io::read_stl(&mut std::io::Cursor::new(bytes)).expect("stl_io reads it");
    Mesh {
        vertices: m.vertices.iter().map(|v| v.0).collect(),
        triangles: m
            .faces
            .iter()
            .map(|f| f.vertices.map(|i| i as u32))
            .collect(),
    }
}

fn lamina(bytes: &[u8]) -> Mesh {
    mesh::read_stl(bytes).expect("Lamina reads it")
}

/// (median seconds, peak MB allocated, the mesh).
fn measure(read: fn(&[u8]) -> Mesh, bytes: &[u8]) -> (f64, f64, Mesh) {
    let mut times = Vec::new();
    let mut peak = 0;
    let mut out = Mesh::default();
    for _ in 0..5 {
        let base = NOW.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        out = read(bytes);
        times.push(t.elapsed().as_secs_f64());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
    }
    times.sort_by(f64::total_cmp);
    (times[2], peak as f64 / 1e6, out)
}

fn main() {
    let benchy = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/models/3DBenchy.3mf".into());
    let file = std::fs::read(&benchy).expect("the Benchy file");
    let benchy_mesh = mesh::import(&benchy, &file).expect("Benchy")[0]
        .mesh
        .clone();
    let cases = [
        ("3DBenchy", mesh::write_binary_stl(&benchy_mesh)),
        (
            "sphere, 2M triangles",
            mesh::write_binary_stl(&shapes::sphere(40.0, 1000, 1000)),
        ),
    ];
    println!(
        "| model | triangles | file MB | Lamina s | Lamina MB | stl_io s | stl_io MB | stl_io ÷ Lamina (time, memory) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, bytes) in &cases {
        let (lt, lm, a) = measure(lamina, bytes);
        let (st, sm, b) = measure(with_stl_io, bytes);
        assert_eq!(a.triangles.len(), b.triangles.len());
        assert_eq!(
            a.vertices.len(),
            b.vertices.len(),
            "both weld the same vertices"
        );
        println!(
            "| {name} | {} | {:.1} | {lt:.3} | {lm:.0} | {st:.3} | {sm:.0} | {:.2}×, {:.2}× |",
            a.triangles.len(),
            bytes.len() as f64 / 1e6,
            st / lt,
            sm / lm
        );
    }
}
