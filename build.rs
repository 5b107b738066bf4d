//! Embeds every preset file under presets/ into the binary, so that the CLI and the web app
//! carry them without reading files or fetching at run time.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for dir in ["printers", "filaments", "processes"] {
        let folder = root.join(dir);
        println!("cargo:rerun-if-changed={}", folder.display());
        let Ok(read) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) == Some("toml") {
                let id = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_string();
                entries.push((dir, id, path));
            }
        }
    }
    entries.sort();
    let mut out = String::from("/// (folder, id, file text) of every embedded preset.\n");
    out.push_str("static EMBEDDED_PRESETS: &[(&str, &str, &str)] = &[\n");
    for (dir, id, path) in &entries {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({dir:?}, {id:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_presets.rs");
    std::fs::write(dest, out).unwrap();
}
