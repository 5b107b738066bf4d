//! Mutation of inputs for the fuzzer: the byte-level changes libFuzzer and AFL make (bit flips,
//! interesting values, inserted, deleted, repeated and spliced runs), plus changes aware of
//! text formats (numbers swapped for edge cases, the format's own tokens inserted).

#![allow(dead_code)]

/// A small, fast generator (splitmix64): runs are reproducible from their seed, and no crate
/// is needed for it.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in 0..n (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const INTERESTING_BYTES: [u8; 10] = [0, 1, 0x7f, 0x80, 0xff, b'\n', b'\r', b'"', b'<', b'\\'];
const INTERESTING_INTS: [u64; 12] = [
    0,
    1,
    0x7f,
    0xff,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    u64::MAX,
    i64::MAX as u64,
];
const INTERESTING_NUMBERS: [&str; 18] = [
    "0",
    "-0",
    "1",
    "-1",
    "2147483647",
    "2147483648",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999999",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "0.000001",
    "1.5e",
];

/// Changes `data` in place by one to a few mutations, keeping it no longer than `max_len`.
/// `others` are inputs to splice from; `dictionary` the format's tokens.
pub fn mutate(
    data: &mut Vec<u8>,
    rng: &mut Rng,
    dictionary: &[&str],
    others: &[Vec<u8>],
    max_len: usize,
) {
    let rounds = 1 + if rng.chance(4) {
        rng.below(16)
    } else {
        rng.below(3)
    };
    for _ in 0..rounds {
        mutate_once(data, rng, dictionary, others, max_len);
    }
    data.truncate(max_len);
}

fn mutate_once(
    data: &mut Vec<u8>,
    rng: &mut Rng,
    dictionary: &[&str],
    others: &[Vec<u8>],
    max_len: usize,
) {
    let len = data.len();
    let pos = rng.below(len + 1);
    match rng.below(16) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.next() as u8;
        }
        2 if len > 0 => {
            let i = rng.below(len);
            data[i] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
        }
        3 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            data.splice(pos..pos, bytes);
        }
        4 if len > 0 => {
            let most = if rng.chance(4) { len } else { 16 };
            let n = 1 + rng.below(len.min(most));
            let at = rng.below(len - n + 1);
            data.drain(at..at + n);
        }
        5 if len > 0 => {
            // Copy a run to another place (inserted).
            let n = 1 + rng.below(len.min(64));
            let from = rng.below(len - n + 1);
            let run = data[from..from + n].to_vec();
            data.splice(pos..pos, run);
        }
        6 if len > 0 => {
            // An integer at an offset, in either byte order, 2, 4 or 8 bytes wide.
            let v = INTERESTING_INTS[rng.below(INTERESTING_INTS.len())];
            let v = if rng.chance(2) { v } else { v.wrapping_neg() };
            let width = [2, 4, 8][rng.below(3)];
            let bytes = if rng.chance(2) {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            let bytes = &bytes[..width];
            let at = rng.below(len);
            for (k, b) in bytes.iter().enumerate() {
                if let Some(slot) = data.get_mut(at + k) {
                    *slot = *b;
                }
            }
        }
        7 => replace_number(data, rng),
        8 | 9 if !dictionary.is_empty() => {
            let token = dictionary[rng.below(dictionary.len())].as_bytes();
            data.splice(pos..pos, token.iter().copied());
        }
        10 if !dictionary.is_empty() && len > 0 => {
            let token = dictionary[rng.below(dictionary.len())].as_bytes();
            let at = rng.below(len);
            let end = (at + token.len()).min(len);
            data.splice(at..end, token.iter().copied());
        }
        11 if !others.is_empty() => {
            // Splice: this input's start and another's end.
            let other = &others[rng.below(others.len())];
            let from = rng.below(other.len() + 1);
            data.truncate(pos);
            data.extend_from_slice(&other[from..]);
        }
        12 if len > 0 => {
            data.truncate(rng.below(len));
        }
        13 if len > 0 => {
            // A run repeated many times (deep nesting, long lines, many records).
            let n = 1 + rng.below(len.min(32));
            let from = rng.below(len - n + 1);
            let most = if rng.chance(8) { 4096 } else { 64 };
            let times = 2 + rng.below(most);
            let room = max_len.saturating_sub(len) / n;
            let run = data[from..from + n].repeat(times.min(room));
            data.splice(pos..pos, run);
        }
        14 if len > 0 => {
            let i = rng.below(len);
            let delta = 1 + rng.below(16) as u8;
            data[i] = if rng.chance(2) {
                data[i].wrapping_add(delta)
            } else {
                data[i].wrapping_sub(delta)
            };
        }
        15 if len > 1 => {
            // Swap two runs of the same length.
            let n = 1 + rng.below((len / 2).min(64));
            let a = rng.below(len - n + 1);
            let b = rng.below(len - n + 1);
            if a + n <= b || b + n <= a {
                for k in 0..n {
                    data.swap(a + k, b + k);
                }
            }
        }
        _ => {
            let i = rng.below(len.max(1));
            if let Some(b) = data.get_mut(i) {
                *b = b.wrapping_add(1);
            } else {
                data.push(rng.next() as u8);
            }
        }
    }
}

/// Replaces a number written in text (a run of digits, with its sign, point and exponent)
/// near a random place by an edge case.
fn replace_number(data: &mut Vec<u8>, rng: &mut Rng) {
    let len = data.len();
    if len == 0 {
        return;
    }
    let start = rng.below(len);
    let Some(first) = (start..len)
        .chain(0..start)
        .find(|&i| data[i].is_ascii_digit())
    else {
        return;
    };
    let is_num = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+');
    let mut a = first;
    while a > 0 && (is_num(data[a - 1]) || data[a - 1] == b'-') {
        a -= 1;
    }
    let mut b = first;
    while b < len && is_num(data[b]) {
        b += 1;
    }
    let new = INTERESTING_NUMBERS[rng.below(INTERESTING_NUMBERS.len())];
    data.splice(a..b, new.bytes());
}

/// A short name for an input, stable across runs (FNV-1a, 64 bits, as hex).
pub fn hash(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
