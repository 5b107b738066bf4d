//! A small ZIP reader for 3MF packages: stored and deflated entries, ZIP64 sizes, CRC checks
//! and a cap on the unpacked size. Inflation is miniz_oxide's. (The `zip` crate would pull
//! getrandom and js-sys into the engine on wasm32; this keeps the engine free of them.)

use super::ImportError;

/// The most a 3MF may unpack to, in bytes.
pub const MAX_UNPACKED: u64 = 1 << 30;

pub struct Entry<'a> {
    pub name: String,
    method: u16,
    crc: u32,
    compressed: &'a [u8],
    size: u64,
}

fn err(msg: impl Into<String>) -> ImportError {
    ImportError::Zip(msg.into())
}

fn u16_at(b: &[u8], i: usize) -> Result<u16, ImportError> {
    b.get(i..i + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| err("the archive is cut short"))
}

fn u32_at(b: &[u8], i: usize) -> Result<u32, ImportError> {
    b.get(i..i + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| err("the archive is cut short"))
}

fn u64_at(b: &[u8], i: usize) -> Result<u64, ImportError> {
    b.get(i..i + 8)
        .map(|s| u64::from_le_bytes(s.try_into().unwrap_or([0; 8])))
        .ok_or_else(|| err("the archive is cut short"))
}

/// Lists the entries of a ZIP archive held in memory.
pub fn entries(data: &[u8]) -> Result<Vec<Entry<'_>>, ImportError> {
    // End of central directory: the last 0x06054b50 within the final 64 KiB + 22 bytes.
    let floor = data.len().saturating_sub(65_557);
    let eocd = (floor..data.len().saturating_sub(21))
        .rev()
        .find(|&i| data[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or_else(|| err("no end-of-archive record (the file is truncated or not a ZIP)"))?;
    let mut count = u16_at(data, eocd + 10)? as u64;
    let mut cd_offset = u32_at(data, eocd + 16)? as u64;
    if (count == 0xFFFF || cd_offset == 0xFFFF_FFFF) && eocd >= 20 {
        let loc = eocd - 20;
        if u32_at(data, loc)? == 0x0706_4b50 {
            let z64 = u64_at(data, loc + 8)? as usize;
            if u32_at(data, z64)? != 0x0606_4b50 {
                return Err(err("bad ZIP64 end record"));
            }
            count = u64_at(data, z64 + 32)?;
            cd_offset = u64_at(data, z64 + 48)?;
        }
    }
    if count > 1_000_000 {
        return Err(err(format!("the archive claims {count} entries")));
    }
    let mut out = Vec::with_capacity(count as usize);
    let mut p = cd_offset as usize;
    let mut total: u64 = 0;
    for _ in 0..count {
        if u32_at(data, p)? != 0x0201_4b50 {
            return Err(err("bad central directory entry"));
        }
        let method = u16_at(data, p + 10)?;
        let crc = u32_at(data, p + 16)?;
        let mut csize = u32_at(data, p + 20)? as u64;
        let mut size = u32_at(data, p + 24)? as u64;
        let name_len = u16_at(data, p + 28)? as usize;
        let extra_len = u16_at(data, p + 30)? as usize;
        let comment_len = u16_at(data, p + 32)? as usize;
        let mut local = u32_at(data, p + 42)? as u64;
        let name_bytes = data
            .get(p + 46..p + 46 + name_len)
            .ok_or_else(|| err("the archive is cut short"))?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        // ZIP64 extra field: the sizes and offset that overflowed, in this order.
        let extra = data
            .get(p + 46 + name_len..p + 46 + name_len + extra_len)
            .ok_or_else(|| err("the archive is cut short"))?;
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e)?;
            let len = u16_at(extra, e + 2)? as usize;
            if id == 1 {
                let mut q = e + 4;
                if size == 0xFFFF_FFFF {
                    size = u64_at(extra, q)?;
                    q += 8;
                }
                if csize == 0xFFFF_FFFF {
                    csize = u64_at(extra, q)?;
                    q += 8;
                }
                if local == 0xFFFF_FFFF {
                    local = u64_at(extra, q)?;
                }
            }
            e += 4 + len;
        }
        p += 46 + name_len + extra_len + comment_len;
        let lp = local as usize;
        if u32_at(data, lp)? != 0x0403_4b50 {
            return Err(err(format!("entry {name}: bad local header")));
        }
        let start = lp + 30 + u16_at(data, lp + 26)? as usize + u16_at(data, lp + 28)? as usize;
        let compressed = data
            .get(start..start.saturating_add(csize as usize))
            .ok_or_else(|| err(format!("entry {name} is cut short")))?;
        total = total.saturating_add(size);
        if total > MAX_UNPACKED {
            return Err(err(format!(
                "the archive unpacks to more than {} MiB",
                MAX_UNPACKED >> 20
            )));
        }
        out.push(Entry {
            name,
            method,
            crc,
            compressed,
            size,
        });
    }
    Ok(out)
}

impl Entry<'_> {
    /// The entry's bytes, inflated and checked against its CRC.
    /// The uncompressed size the archive states.
    pub fn size(&self) -> usize {
        usize::try_from(self.size).unwrap_or(usize::MAX)
    }

    pub fn read(&self) -> Result<Vec<u8>, ImportError> {
        let bytes = match self.method {
            0 => self.compressed.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(
                self.compressed,
                self.size as usize,
            )
            .map_err(|e| {
                err(format!(
                    "entry {}: cannot inflate ({:?})",
                    self.name, e.status
                ))
            })?,
            m => {
                return Err(err(format!(
                    "entry {} uses compression method {m}",
                    self.name
                )));
            }
        };
        if bytes.len() as u64 != self.size {
            return Err(err(format!("entry {} has the wrong size", self.name)));
        }
        if crc32(&bytes) != self.crc {
            return Err(err(format!("entry {} fails its checksum", self.name)));
        }
        Ok(bytes)
    }
}

/// CRC-32 (IEEE), as ZIP uses.
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// Writes a ZIP archive of deflated entries (names ASCII, each under 4 GB).
pub fn write(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        // Level 3: most of level 6's size on mesh XML at about twice the speed.
        let packed = miniz_oxide::deflate::compress_to_vec(data, 3);
        let crc = crc32(data);
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, 0, 8, 0, 0x21] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc, packed.len() as u32, data.len() as u32] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                for v in [0u16, 0, 0] {
                    h.extend_from_slice(&v.to_le_bytes());
                }
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(&packed);
        central.extend_from_slice(&header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, files.len() as u16, files.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn write_then_read() {
        let big = vec![b'a'; 10_000];
        let zip = write(&[("a.txt", b"hello"), ("dir/b.bin", &big)]);
        let list = entries(&zip).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "a.txt");
        assert_eq!(list[0].read().unwrap(), b"hello");
        assert_eq!(list[1].read().unwrap(), big);
    }

    #[test]
    fn damage_is_detected() {
        let zip = write(&[("a.txt", b"hello hello hello hello")]);
        assert!(entries(&zip[..zip.len() - 10]).is_err());
        let mut bad = zip.clone();
        bad[40] ^= 0xFF; // inside the deflated data
        let list = entries(&bad).unwrap();
        assert!(list[0].read().is_err());
        assert!(entries(b"PK\x03\x04 not really a zip").is_err());
    }
}
