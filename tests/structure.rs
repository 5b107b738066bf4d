//! The shape of the code: imports inside the engine go one way (no module reaches, through
//! others, back to itself), and no source file grows past 800 lines except the declaration
//! tables.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under src/engine: `gcode/plan.rs` → ["gcode", "plan"].
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code without its unit tests and comments.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Engine modules each names after `crate::engine::` (and `super::` siblings), as
/// "module" or "module/submodule".
fn imports(module: &[String], code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let words = |s: &str| -> Vec<String> {
        s.split("::")
            .map(|w| {
                w.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    };
    for (i, _) in code.match_indices("crate::engine::") {
        let w = words(&code[i + "crate::engine::".len()..]);
        out.insert(w[0].clone());
        if w.len() > 1 && module.first() == Some(&w[0]) && !w[1].is_empty() {
            out.insert(format!("{}/{}", w[0], w[1]));
        }
    }
    // A file below a module's mod.rs names its siblings through `super::`.
    if module.len() == 2 {
        for (i, _) in code.match_indices("super::") {
            let w = words(&code[i + "super::".len()..]);
            if !w[0].is_empty() && w[0].chars().next().is_some_and(|c| c.is_lowercase()) {
                out.insert(format!("{}/{}", module[0], w[0]));
            }
        }
    }
    out
}

#[test]
fn engine_imports_go_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    // Who imports whom: top-level modules, and the files inside each.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let module = module_of(&root, f);
        let Some(top) = module.first() else { continue };
        let text = std::fs::read_to_string(f).unwrap();
        for m in imports(&module, &code(&text)) {
            let target = m.split('/').next().unwrap().to_string();
            if &target != top {
                graph.entry(top.clone()).or_default().insert(target);
            } else if m.contains('/') && module.len() == 2 {
                let me = format!("{}/{}", module[0], module[1]);
                if m != me {
                    graph.entry(me).or_default().insert(m);
                }
            }
        }
    }
    assert!(graph.get("settings").is_some_and(|s| s.contains("stage")));
    // Depth-first search for a way back.
    fn reaches(
        g: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        g.get(from)
            .into_iter()
            .flatten()
            .any(|n| n == to || (seen.insert(n.clone()) && reaches(g, n, to, seen)))
    }
    for m in graph.keys() {
        assert!(
            !reaches(&graph, m, m, &mut BTreeSet::new()),
            "engine module '{m}' imports, through others, itself: {graph:?}"
        );
    }
}

#[test]
fn no_file_is_longer_than_800_lines_but_the_declaration_tables() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let tables = [
        "engine/settings/schema.rs",
        "engine/settings/foreign/tables.rs",
    ];
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter(|f| {
            let rel = f.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            !tables.contains(&rel.as_str())
        })
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}
