//! Sink writers: JSON lines or CSV to a file or standard output, and rows to the host
//! through a channel. They receive records already in `(time, key)` order from
//! [`crate::ops::sink_order`] and only encode.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use crate::ops::sink_order::RowWriter;
use crate::runtime::record::Rec;
use crate::value::{format_float, Value};

use super::format::JsonEncoder;

fn open(path: &str) -> std::io::Result<Box<dyn Write>> {
    if path == "-" {
        Ok(Box::new(std::io::stdout()))
    } else {
        if let Some(dir) = Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        Ok(Box::new(File::create(path)?))
    }
}

/// `{"a":1,…,"_ts":123}` per line, plus `"_expired":true` on expired rows.
pub struct JsonLinesWriter {
    out: BufWriter<Box<dyn Write>>,
    encoder: JsonEncoder,
    buf: Vec<u8>,
}

impl JsonLinesWriter {
    pub fn create(path: &str, names: &[Arc<str>]) -> std::io::Result<JsonLinesWriter> {
        Ok(JsonLinesWriter {
            out: BufWriter::with_capacity(1 << 20, open(path)?),
            encoder: JsonEncoder::new(names),
            buf: Vec::with_capacity(256),
        })
    }
}

impl RowWriter for JsonLinesWriter {
    fn write(&mut self, rec: &Rec) -> std::io::Result<()> {
        self.buf.clear();
        self.encoder
            .encode(&rec.row, rec.time, rec.expired, &mut self.buf);
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// CSV with a header of the attribute names plus `_ts` and `_expired`.
pub struct CsvWriter {
    out: BufWriter<Box<dyn Write>>,
    line: String,
}

impl CsvWriter {
    pub fn create(path: &str, names: &[Arc<str>]) -> std::io::Result<CsvWriter> {
        let mut out = BufWriter::with_capacity(1 << 20, open(path)?);
        let mut header: Vec<String> = names.iter().map(|n| csv_field(n)).collect();
        header.push("_ts".into());
        header.push("_expired".into());
        writeln!(out, "{}", header.join(","))?;
        Ok(CsvWriter {
            out,
            line: String::new(),
        })
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl RowWriter for CsvWriter {
    fn write(&mut self, rec: &Rec) -> std::io::Result<()> {
        use std::fmt::Write as _;
        self.line.clear();
        for v in rec.row.iter() {
            match v {
                Value::Null => {}
                Value::Str(s) => self.line.push_str(&csv_field(s)),
                Value::Double(d) => self.line.push_str(&format_float(*d)),
                Value::Float(f) => self.line.push_str(&format_float(f64::from(*f))),
                other => {
                    let _ = write!(self.line, "{other}");
                }
            }
            self.line.push(',');
        }
        let _ = writeln!(self.line, "{},{}", rec.time, rec.expired);
        self.out.write_all(self.line.as_bytes())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
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

impl RowWriter for ChannelWriter {
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
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
