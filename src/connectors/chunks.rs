//! Splitting a line-oriented file into chunks, the partitions of a file source
//! (DESIGN.md §3), and reading one chunk's lines.
//!
//! A chunk is a byte range `[start, end)` that owns every line *starting* inside it. The
//! ranges are fixed-size slices of the file whose boundaries are moved forward to the next
//! line start, so the split depends only on the file and the chunk size, never on how
//! many workers read it, and a line's byte offset identifies it across runs.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use memchr::memchr;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much a [`ChunkReader`] reads from the file at once.
const READ_SIZE: usize = 1 << 20;

/// One chunk of a file: the lines that start in `[start, end)`. `end` is a line start
/// (or the file's end), so the chunk holds whole lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Position in the file's chunk list, from 0.
    pub index: usize,
    pub start: u64,
    pub end: u64,
}

/// Splits the file at `path` into chunks of about `chunk_size` bytes. Nominal boundaries
/// are the multiples of `chunk_size`; each moves forward to the next line start, and
/// boundaries that collapse onto the same line start (a line longer than a chunk) leave no
/// empty chunk behind. An empty file has no chunks.
pub fn split_chunks(path: &Path, chunk_size: u64) -> io::Result<Vec<Chunk>> {
    if chunk_size == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "chunk size must be positive",
        ));
    }
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut buf = vec![0u8; 64 * 1024];
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < len {
        let nominal = (start / chunk_size)
            .saturating_add(1)
            .saturating_mul(chunk_size);
        let end = if nominal >= len {
            len
        } else {
            next_line_start(&mut file, nominal, len, &mut buf)?
        };
        chunks.push(Chunk {
            index: chunks.len(),
            start,
            end,
        });
        start = end;
    }
    Ok(chunks)
}

/// The first line start at or after `pos` (`0 < pos < len`): `pos` itself when the byte
/// before it is a newline, else the byte after the next newline, else `len`.
fn next_line_start(file: &mut File, pos: u64, len: u64, buf: &mut [u8]) -> io::Result<u64> {
    let mut at = pos - 1;
    file.seek(SeekFrom::Start(at))?;
    while at < len {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(p) = memchr(b'\n', &buf[..n]) {
            return Ok((at + p as u64 + 1).min(len));
        }
        at += n as u64;
    }
    Ok(len)
}

/// Reads the lines of one chunk through a reusable buffer. Lines are returned without
/// their `\n` or `\r\n`; empty lines are returned too (the caller decides what they mean).
/// The first line of the file is returned without a UTF-8 byte-order mark but still at
/// offset 0, so a CSV header is always the line at offset 0.
pub struct ChunkReader {
    file: File,
    buf: Vec<u8>,
    /// Start of the first unconsumed line in `buf`.
    pos: usize,
    /// End of valid data in `buf`.
    filled: usize,
    /// `buf[pos..scanned]` is known to hold no newline, so long lines are scanned once.
    scanned: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    /// Bytes of the chunk not yet read from the file.
    remaining: u64,
    at_file_start: bool,
}

impl ChunkReader {
    pub fn open(path: &Path, chunk: &Chunk) -> io::Result<Self> {
        ChunkReader::with_read_size(path, chunk, READ_SIZE)
    }

    /// `read_size` is the initial buffer size (it grows for lines longer than that);
    /// small values let tests exercise buffer refills.
    pub(crate) fn with_read_size(path: &Path, chunk: &Chunk, read_size: usize) -> io::Result<Self> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(chunk.start))?;
        let len = chunk.end.saturating_sub(chunk.start);
        // Small chunks do not need a large buffer.
        let size = usize::try_from(len)
            .unwrap_or(usize::MAX)
            .clamp(1, read_size.max(1));
        Ok(ChunkReader {
            file,
            buf: vec![0; size],
            pos: 0,
            filled: 0,
            scanned: 0,
            buf_offset: chunk.start,
            remaining: len,
            at_file_start: chunk.start == 0,
        })
    }

    /// Moves this reader to another chunk of the same file, keeping its file handle and
    /// buffer: a worker that reads many chunks in turn then allocates (and page-faults in)
    /// its buffer once rather than once per chunk.
    pub fn reset(&mut self, chunk: &Chunk) -> io::Result<()> {
        self.file.seek(SeekFrom::Start(chunk.start))?;
        self.pos = 0;
        self.filled = 0;
        self.scanned = 0;
        self.buf_offset = chunk.start;
        self.remaining = chunk.end.saturating_sub(chunk.start);
        self.at_file_start = chunk.start == 0;
        Ok(())
    }

    /// The next line and the file offset where it starts, or `None` at the chunk's end.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, &[u8])>> {
        let (start, end, next) = loop {
            if let Some(p) = memchr(b'\n', &self.buf[self.scanned..self.filled]) {
                let newline = self.scanned + p;
                break (self.pos, newline, newline + 1);
            }
            self.scanned = self.filled;
            if self.remaining == 0 {
                if self.pos < self.filled {
                    break (self.pos, self.filled, self.filled);
                }
                return Ok(None);
            }
            self.refill()?;
        };
        self.pos = next;
        self.scanned = next;
        let offset = self.buf_offset + start as u64;
        let mut line = &self.buf[start..end];
        if next > end {
            line = line.strip_suffix(b"\r").unwrap_or(line);
        }
        if self.at_file_start {
            self.at_file_start = false;
            line = line.strip_prefix(UTF8_BOM).unwrap_or(line);
        }
        Ok(Some((offset, line)))
    }

    /// Moves the unconsumed tail to the front, grows the buffer if that tail fills it, and
    /// reads more of the chunk.
    fn refill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.scanned -= self.pos;
            self.buf_offset += self.pos as u64;
            self.pos = 0;
        }
        if self.filled == self.buf.len() {
            let grown = self.buf.len().saturating_mul(2);
            self.buf.resize(grown, 0);
        }
        let room = self.buf.len() - self.filled;
        let want = usize::try_from(self.remaining).map_or(room, |r| r.min(room));
        loop {
            match self
                .file
                .read(&mut self.buf[self.filled..self.filled + want])
            {
                // The file shrank under us: what is there is all there is.
                Ok(0) => self.remaining = 0,
                Ok(n) => {
                    self.filled += n;
                    self.remaining -= n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            return Ok(());
        }
    }
}

/// The file's first line (a CSV header) without its line terminator and without a UTF-8
/// byte-order mark. Empty for an empty file.
pub fn first_line(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut line = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(p) = memchr(b'\n', &buf[..n]) {
            line.extend_from_slice(&buf[..p]);
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            break;
        }
        line.extend_from_slice(&buf[..n]);
    }
    if line.starts_with(UTF8_BOM) {
        line.drain(..UTF8_BOM.len());
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = match tempfile::NamedTempFile::new() {
            Ok(f) => f,
            Err(e) => panic!("temp file: {e}"),
        };
        if let Err(e) = f.write_all(content).and_then(|()| f.flush()) {
            panic!("write temp file: {e}");
        }
        f
    }

    /// Every line of `content` with its start offset, by the obvious method.
    fn expected_lines(content: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut lines = Vec::new();
        let mut start = 0;
        while start < content.len() {
            let end = memchr(b'\n', &content[start..]).map_or(content.len(), |p| start + p);
            let mut line = &content[start..end];
            if end < content.len() {
                line = line.strip_suffix(b"\r").unwrap_or(line);
            }
            if start == 0 {
                line = line.strip_prefix(UTF8_BOM).unwrap_or(line);
            }
            lines.push((start as u64, line.to_vec()));
            start = end + 1;
        }
        lines
    }

    type Lines = Vec<(u64, Vec<u8>)>;

    fn read_all(path: &Path, chunk_size: u64, read_size: usize) -> io::Result<(Vec<Chunk>, Lines)> {
        let chunks = split_chunks(path, chunk_size)?;
        let mut lines = Vec::new();
        for c in &chunks {
            let mut r = ChunkReader::with_read_size(path, c, read_size)?;
            while let Some((off, line)) = r.next_line()? {
                assert!(
                    off >= c.start && off < c.end,
                    "line at {off} outside chunk {c:?}"
                );
                lines.push((off, line.to_vec()));
            }
        }
        Ok((chunks, lines))
    }

    fn check(content: &[u8], chunk_size: u64, read_size: usize) {
        let f = file_with(content);
        let (chunks, lines) = match read_all(f.path(), chunk_size, read_size) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            lines,
            expected_lines(content),
            "chunk size {chunk_size}, read size {read_size}"
        );
        // Chunks tile the file, are non-empty, start at line starts, and are numbered.
        let mut at = 0;
        for (i, c) in chunks.iter().enumerate() {
            assert_eq!((c.index, c.start), (i, at));
            assert!(c.end > c.start);
            assert!(c.start == 0 || content[c.start as usize - 1] == b'\n');
            at = c.end;
        }
        assert_eq!(at, content.len() as u64);
    }

    #[test]
    fn empty_file_has_no_chunks_and_empty_header() {
        let f = file_with(b"");
        assert_eq!(split_chunks(f.path(), 10).ok(), Some(vec![]));
        assert_eq!(first_line(f.path()).ok(), Some(vec![]));
        assert!(split_chunks(f.path(), 0).is_err());
    }

    #[test]
    fn boundaries_move_to_line_starts() {
        let content = b"aaaa\nbb\ncccccccccccc\nd\n";
        let f = file_with(content);
        let chunks = split_chunks(f.path(), 5).unwrap_or_default();
        let ranges: Vec<_> = chunks.iter().map(|c| (c.start, c.end)).collect();
        // Nominal 5 is a line start; 10, 15 and 20 fall inside the long line starting at 8
        // and all move to 21, so that chunk owns two lines.
        assert_eq!(ranges, vec![(0, 5), (5, 21), (21, 23)]);
        for size in 1..30 {
            for read in [1, 2, 3, 7, 64, READ_SIZE] {
                check(content, size, read);
            }
        }
    }

    #[test]
    fn crlf_no_trailing_newline_empty_lines_and_bom() {
        for content in [
            &b"a\r\nb\r\n\r\nc"[..],
            b"\xEF\xBB\xBFh1,h2\r\n1,2\n",
            b"\xEF\xBB\xBF",
            b"\n\n\n",
            b"x",
            b"last\r",
            b"\r\n",
        ] {
            for size in 1..12 {
                for read in [1, 4, READ_SIZE] {
                    check(content, size, read);
                }
            }
        }
        let f = file_with(b"\xEF\xBB\xBFsymbol,price\r\n1,2\n");
        assert_eq!(first_line(f.path()).ok(), Some(b"symbol,price".to_vec()));
        let f = file_with(b"only");
        assert_eq!(first_line(f.path()).ok(), Some(b"only".to_vec()));
    }

    #[test]
    fn one_reader_reset_across_chunks_reads_the_same_lines() {
        let content = b"\xEF\xBB\xBFa\nbb\r\nccc\n\ndddd\ne";
        let f = file_with(content);
        let chunks = split_chunks(f.path(), 3).unwrap_or_default();
        assert!(chunks.len() > 2);
        let mut lines = Vec::new();
        let mut reader = ChunkReader::with_read_size(f.path(), &chunks[0], 2).ok();
        for c in &chunks {
            let Some(r) = reader.as_mut() else {
                panic!("open failed")
            };
            assert!(r.reset(c).is_ok());
            while let Ok(Some((off, line))) = r.next_line() {
                lines.push((off, line.to_vec()));
            }
        }
        assert_eq!(lines, expected_lines(content));
    }

    #[test]
    fn a_line_much_longer_than_the_buffer() {
        let mut content = vec![b'x'; 100_000];
        content.extend_from_slice(b"\nshort\n");
        content.extend(vec![b'y'; 70_000]);
        check(&content, 4096, 1000);
        check(&content, 1 << 20, 16);
    }

    proptest! {
        #[test]
        fn every_line_is_read_by_exactly_one_chunk(
            content in proptest::collection::vec(prop_oneof![4 => Just(b'a'), 2 => Just(b'\n'), 1 => Just(b'\r'), 1 => Just(0xEFu8)], 0..300),
            chunk_size in 1u64..64,
            read_size in 1usize..40,
        ) {
            check(&content, chunk_size, read_size);
        }
    }
}
