//! How much memory a model file needs once opened, estimated from its size and first bytes
//! before it is read, so that a file the browser tab cannot hold is refused with figures
//! instead of taking the tab down half-way through reading it.

use super::{Format, ImportError, format_of};

/// Memory the page holds per triangle of an opened model: the mesh itself (about half a
/// vertex per triangle at 12 bytes, 12 bytes of indices), its repair and edge tables, the
/// 3D view's buffers and the copy sent to the slicer. Measured: the 2-million-triangle sphere
/// of BENCHMARKS.md holds 463 MB on the page, of which 100 MB is the file itself.
pub const BYTES_PER_TRIANGLE: u64 = 180;

/// About how many triangles a file of `size` bytes holds; `head` is its first bytes (84 are
/// enough for a binary STL's count).
pub fn estimated_triangles(name: &str, size: u64, head: &[u8]) -> u64 {
    let format = format_of(name).or_else(|| super::sniff(head));
    match format {
        Some(Format::Stl) => {
            let binary = head.len() >= 84 && !head.starts_with(b"solid")
                || head.get(80..84).is_some_and(|c| {
                    84 + 50 * u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as u64 == size
                });
            if binary {
                size.saturating_sub(84) / 50
            } else {
                // An ASCII facet with its normal and three vertices is about 250 bytes.
                size / 250
            }
        }
        // A vertex line and a face line per triangle, about 40 bytes together.
        Some(Format::Obj) => size / 40,
        // Deflated model XML: about 13 bytes per triangle (3DBenchy.3mf: 3.1 MB, 225,154
        // triangles).
        Some(Format::ThreeMf) => size / 13,
        None => size / 50,
    }
}

/// The memory (bytes) opening a file of `size` bytes with `triangles` takes: the file
/// itself, and its triangles.
fn needed_bytes(size: u64, triangles: u64) -> u64 {
    size.saturating_add(triangles.saturating_mul(BYTES_PER_TRIANGLE))
}

/// Refuses a file that would need more than `available` bytes.
pub fn check_fits(name: &str, size: u64, head: &[u8], available: u64) -> Result<(), ImportError> {
    let triangles = estimated_triangles(name, size, head);
    let need = needed_bytes(size, triangles);
    if need <= available {
        return Ok(());
    }
    Err(ImportError::NeedsTooMuchMemory {
        triangles,
        need_mb: need / 1_000_000,
        available_mb: available / 1_000_000,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_stl_counts_and_other_formats_are_estimated() {
        let mut head = vec![0u8; 84];
        head[80..84].copy_from_slice(&2_000_000u32.to_le_bytes());
        let size = 84 + 50 * 2_000_000;
        assert_eq!(estimated_triangles("sphere.stl", size, &head), 2_000_000);
        assert_eq!(needed_bytes(size, 2_000_000), size + 360_000_000);
        assert!(check_fits("sphere.stl", size, &head, 4 << 30).is_ok());
        let e = check_fits("sphere.stl", size, &head, 256_000_000).unwrap_err();
        assert_eq!(
            e.to_string(),
            "about 2000000 triangles would need about 460 MB, more than the 256 MB this tab can take: simplify the model (decimate it) in a mesh tool, or open it on a device with more memory"
        );
        // ASCII STL, OBJ and 3MF from their sizes: 3DBenchy.3mf's 225,154 triangles.
        assert_eq!(
            estimated_triangles("a.stl", 2_500_000, b"solid a\n facet"),
            10_000
        );
        assert_eq!(estimated_triangles("a.obj", 400_000, b"v 0 0 0"), 10_000);
        let benchy = estimated_triangles("3DBenchy.3mf", 3_084_864, b"PK\x03\x04");
        assert!((200_000..260_000).contains(&benchy), "{benchy}");
    }
}
