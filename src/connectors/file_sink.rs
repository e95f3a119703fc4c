//! Sink encodings and writers. Line encoders (JSON lines, CSV) run on the worker that
//! produced a row; [`LineWriter`] writes the already ordered lines to a file or
//! standard output on the single writer worker; [`ChannelWriter`] hands rows to the
//! host (library API).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::ops::sink_order::{EncodedRec, ItemWriter};
use crate::runtime::record::Rec;
use crate::value::{format_float, Value};

use super::format::JsonEncoder;

/// Encodes one row into its output line (newline included).
pub trait LineEncoder {
    fn encode(&self, rec: &Rec, out: &mut Vec<u8>);
    /// The first line of the output, if the format has a header.
    fn header(&self) -> Option<Vec<u8>> {
        None
    }
}

/// `{"a":1,…,"_ts":123}` per line, plus `"_expired":true` on expired rows.
pub struct JsonLines(JsonEncoder);

impl JsonLines {
    pub fn new(names: &[Arc<str>]) -> JsonLines {
        JsonLines(JsonEncoder::new(names))
    }
}

impl LineEncoder for JsonLines {
    fn encode(&self, rec: &Rec, out: &mut Vec<u8>) {
        self.0.encode(&rec.row, rec.time, rec.expired, out);
        out.push(b'\n');
    }
}

/// CSV with a header of the attribute names plus `_ts` and `_expired`; NULL is an
/// empty field.
pub struct CsvLines {
    names: Vec<Arc<str>>,
}

impl CsvLines {
    pub fn new(names: &[Arc<str>]) -> CsvLines {
        CsvLines {
            names: names.to_vec(),
        }
    }
}

fn csv_field(s: &str, out: &mut Vec<u8>) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

impl LineEncoder for CsvLines {
    fn encode(&self, rec: &Rec, out: &mut Vec<u8>) {
        for v in rec.row.iter() {
            match v {
                Value::Null => {}
                Value::Str(s) => csv_field(s, out),
                Value::Double(d) => out.extend_from_slice(format_float(*d).as_bytes()),
                Value::Float(f) => out.extend_from_slice(format_float(f64::from(*f)).as_bytes()),
                other => out.extend_from_slice(other.to_string().as_bytes()),
            }
            out.push(b',');
        }
        out.extend_from_slice(format!("{},{}\n", rec.time, rec.expired).as_bytes());
    }
    fn header(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for n in &self.names {
            csv_field(n, &mut out);
            out.push(b',');
        }
        out.extend_from_slice(b"_ts,_expired\n");
        Some(out)
    }
}

/// Encodes a record for the exchange to the writer.
pub fn encode(encoder: &dyn LineEncoder, rec: Rec) -> EncodedRec {
    let mut line = Vec::with_capacity(64 + 16 * rec.row.len());
    encoder.encode(&rec, &mut line);
    EncodedRec {
        time: rec.time,
        key: rec.key,
        line,
    }
}

/// Writes ordered lines to a file (created, with parent directories) or stdout (`-`).
pub struct LineWriter {
    out: BufWriter<Box<dyn Write>>,
}

impl LineWriter {
    pub fn create(path: &str, header: Option<Vec<u8>>) -> std::io::Result<LineWriter> {
        let target: Box<dyn Write> = if path == "-" {
            Box::new(std::io::stdout())
        } else {
            if let Some(dir) = Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            Box::new(File::create(path)?)
        };
        let mut out = BufWriter::with_capacity(1 << 20, target);
        if let Some(h) = header {
            out.write_all(&h)?;
        }
        Ok(LineWriter { out })
    }
}

impl ItemWriter<EncodedRec> for LineWriter {
    fn write(&mut self, item: &EncodedRec) -> std::io::Result<()> {
        self.out.write_all(&item.line)
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A row delivered to the host by the library API.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputEvent {
    pub stream: String,
    /// Emission time (ms).
    pub time: i64,
    pub row: Vec<Value>,
    pub expired: bool,
}

pub struct ChannelWriter {
    pub stream: String,
    pub tx: Sender<OutputEvent>,
}

impl ItemWriter<Rec> for ChannelWriter {
    fn write(&mut self, rec: &Rec) -> std::io::Result<()> {
        // A host that dropped its receiver no longer wants rows; that is not an error.
        let _ = self.tx.send(OutputEvent {
            stream: self.stream.clone(),
            time: rec.time,
            row: rec.row.to_vec(),
            expired: rec.expired,
        });
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
