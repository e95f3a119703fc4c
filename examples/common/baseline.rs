//! Shared parts of the hand-written timely baselines (`baseline_q1`, `baseline_windows`):
//! the same chunked file reading as fluxtide (fixed 4 MiB byte chunks moved to line
//! starts, chunk `i` read by worker `i % peers`) and the timely argument split.
//! Included with `#[path]`; not an example of its own.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

pub const CHUNK_SIZE: u64 = 4 << 20;
pub const TICK_MS: u64 = 100;

/// Splits `args` into timely's (`-w -n -p -h` and long forms) and the rest.
pub fn split_timely_args(
    args: impl Iterator<Item = String>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut timely = Vec::new();
    let mut rest = Vec::new();
    let mut it = args;
    while let Some(a) = it.next() {
        match a.as_str() {
            "-w" | "-n" | "-p" | "-h" | "--threads" | "--processes" | "--process"
            | "--hostfile" => {
                let v = it.next().ok_or(format!("{a} needs a value"))?;
                timely.push(a);
                timely.push(v);
            }
            _ if a.starts_with("-w") && a.len() > 2 => timely.push(a),
            _ => rest.push(a),
        }
    }
    Ok((timely, rest))
}

/// Byte ranges `[start, end)` of the chunks: multiples of `CHUNK_SIZE` moved forward to
/// the next line start.
pub fn split_chunks(path: &Path) -> io::Result<Vec<(u64, u64)>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut chunks = Vec::new();
    let mut start = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    while start < len {
        let mut end = ((start / CHUNK_SIZE) + 1) * CHUNK_SIZE;
        if end >= len {
            end = len;
        } else {
            // Move to the byte after the next newline at or after end - 1.
            file.seek(SeekFrom::Start(end - 1))?;
            let mut at = end - 1;
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    at = len;
                    break;
                }
                if let Some(p) = memchr::memchr(b'\n', &buf[..n]) {
                    at += p as u64 + 1;
                    break;
                }
                at += n as u64;
            }
            end = at.min(len);
        }
        chunks.push((start, end));
        start = end;
    }
    Ok(chunks)
}

/// One worker's reading state: its chunks, the current chunk's bytes and position.
pub struct Reader {
    file: File,
    chunks: Vec<(u64, u64)>,
    next_chunk: usize,
    buf: Vec<u8>,
    pos: usize,
}

impl Reader {
    /// The next line of this worker's chunks, without its terminator.
    #[inline]
    pub fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        while self.pos >= self.buf.len() {
            let Some(&(start, end)) = self.chunks.get(self.next_chunk) else {
                return Ok(None);
            };
            self.next_chunk += 1;
            self.buf.resize((end - start) as usize, 0);
            self.file.seek(SeekFrom::Start(start))?;
            self.file.read_exact(&mut self.buf)?;
            self.pos = 0;
        }
        let rest = &self.buf[self.pos..];
        let (line, used) = match memchr::memchr(b'\n', rest) {
            Some(p) => (&rest[..p], p + 1),
            None => (rest, rest.len()),
        };
        self.pos += used;
        Ok(Some(line.strip_suffix(b"\r").unwrap_or(line)))
    }
}

impl Reader {
    /// A reader over the chunks of `path` that belong to worker `index` of `peers`.
    pub fn for_worker(
        path: &Path,
        chunks: &[(u64, u64)],
        index: usize,
        peers: usize,
    ) -> io::Result<Reader> {
        Ok(Reader {
            file: File::open(path)?,
            chunks: chunks
                .iter()
                .enumerate()
                .filter(|(i, _)| i % peers == index)
                .map(|(_, c)| *c)
                .collect(),
            next_chunk: 0,
            buf: Vec::with_capacity(CHUNK_SIZE as usize + 4096),
            pos: 0,
        })
    }
}
