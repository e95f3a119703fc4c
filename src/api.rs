//! The public embedding API: build an app from SQL text, bind inputs and outputs,
//! run it on a timely configuration, or start it and push events / receive rows.
//!
//! ```no_run
//! use fluxtide::{App, RunConfig, value::Value};
//! let mut app = App::from_sql("demo.sql",
//!     "CREATE STREAM In (v INT, ts BIGINT) WITH ('event.time' = 'ts');
//!      INSERT INTO Out SELECT v * 2 AS w FROM In WHERE v > 1;").unwrap();
//! let running = app.start(RunConfig::default(), &["In"], &["Out"]).unwrap();
//! running.send("In", None, vec![Value::Int(2), Value::Long(1000)]).unwrap();
//! let summary = running.finish().unwrap();
//! for row in summary.rows { println!("{row:?}"); }
//! ```

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::diagnostics::Diagnostic;
use crate::plan::{self, Bindings, Plan};
use crate::runtime::{self, HostIo, InputEvent, RunError, RunSummary};
use crate::syntax::{self, ast};
use crate::value::Value;

pub use crate::connectors::file_sink::OutputEvent;
pub use crate::runtime::RunConfig;

/// Diagnostics of one application text, renderable with carets.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    pub file: String,
    pub source: String,
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn render(&self) -> String {
        self.list
            .iter()
            .map(|d| d.render(&self.file, &self.source))
            .collect::<Vec<_>>()
            .join("")
    }
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

/// Errors of the API: a query problem (exit code 2) or a run failure (1).
#[derive(Debug)]
pub enum Error {
    Query(Diagnostics),
    Usage(String),
    Run(RunError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Query(d) => write!(f, "{d}"),
            Error::Usage(m) => f.write_str(m),
            Error::Run(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// An application: parsed and checked SQL plus its input/output bindings.
#[derive(Clone, Debug)]
pub struct App {
    file: String,
    source: String,
    ast: ast::App,
    bindings: Bindings,
    warnings: Vec<Diagnostic>,
}

impl App {
    /// Parses and plans `text` (named `file` in messages).
    pub fn from_sql(file: &str, text: &str) -> Result<App, Error> {
        let ast = syntax::parse(text).map_err(|list| {
            Error::Query(Diagnostics {
                file: file.into(),
                source: text.into(),
                list,
            })
        })?;
        let mut app = App {
            file: file.into(),
            source: text.into(),
            ast,
            bindings: Bindings::default(),
            warnings: Vec::new(),
        };
        // Checked on its own: `--input`/`--output` may still supply missing paths.
        let plan = plan::plan(&app.ast, &app.bindings).map_err(|list| {
            Error::Query(Diagnostics {
                file: app.file.clone(),
                source: app.source.clone(),
                list,
            })
        })?;
        app.warnings = plan.warnings;
        Ok(app)
    }

    pub fn ast(&self) -> &ast::App {
        &self.ast
    }

    /// Warnings found while planning (rendered with [`App::render`]).
    pub fn warnings(&self) -> Diagnostics {
        Diagnostics {
            file: self.file.clone(),
            source: self.source.clone(),
            list: self.warnings.clone(),
        }
    }

    /// Binds stream `stream` to a file source (`-` = stdin), like `--input`.
    pub fn input_file(&mut self, stream: &str, path: &str) -> &mut App {
        self.bindings.inputs.push((stream.into(), path.into()));
        self
    }

    /// Writes stream `stream` to `path` as JSON lines (`.csv`: CSV; `-`: stdout), like `--output`.
    pub fn output_file(&mut self, stream: &str, path: &str) -> &mut App {
        self.bindings.outputs.push((stream.into(), path.into()));
        self
    }

    /// Plans with the current bindings.
    pub fn plan(&self) -> Result<Plan, Error> {
        let bindings = Bindings {
            complete: true,
            ..self.bindings.clone()
        };
        plan::plan(&self.ast, &bindings).map_err(|list| {
            Error::Query(Diagnostics {
                file: self.file.clone(),
                source: self.source.clone(),
                list,
            })
        })
    }

    /// Runs to completion over bounded inputs.
    pub fn run(&self, cfg: RunConfig) -> Result<RunSummary, Error> {
        let plan = Arc::new(self.plan()?);
        runtime::run(plan, cfg, HostIo::default()).map_err(Error::Run)
    }

    /// Starts the app on a background thread. `inputs` are streams the host pushes
    /// into; `outputs` are streams whose rows the host receives.
    pub fn start(
        &mut self,
        cfg: RunConfig,
        inputs: &[&str],
        outputs: &[&str],
    ) -> Result<Running, Error> {
        let mut bindings = Bindings {
            complete: true,
            ..self.bindings.clone()
        };
        bindings.api_inputs = inputs.iter().map(|s| s.to_string()).collect();
        let mut plan = plan::plan(&self.ast, &bindings).map_err(|list| {
            Error::Query(Diagnostics {
                file: self.file.clone(),
                source: self.source.clone(),
                list,
            })
        })?;
        let mut io = HostIo::default();
        let mut senders = HashMap::new();
        for name in inputs {
            let sid = plan
                .stream(name)
                .ok_or_else(|| Error::Usage(format!("unknown input stream `{name}`")))?;
            let (tx, rx) = channel();
            io.inputs.push((sid, Mutex::new(Some(rx))));
            senders.insert(name.to_string(), (tx, plan.streams[sid].columns.len()));
        }
        let (otx, orx) = channel();
        for name in outputs {
            let sid = plan
                .stream(name)
                .ok_or_else(|| Error::Usage(format!("unknown output stream `{name}`")))?;
            io.outputs.push((sid, otx.clone()));
            plan.streams[sid].sinks.push(crate::plan::SinkSpec::Api);
        }
        drop(otx);
        let plan = Arc::new(plan);
        let handle = std::thread::spawn(move || runtime::run(plan, cfg, io));
        Ok(Running {
            senders,
            outputs: orx,
            handle: Some(handle),
        })
    }
}

/// A started app: push events, receive rows, then finish.
pub struct Running {
    senders: HashMap<String, (Sender<InputEvent>, usize)>,
    outputs: Receiver<OutputEvent>,
    handle: Option<JoinHandle<Result<RunSummary, RunError>>>,
}

/// What a finished [`Running`] app returns: its summary and the rows not yet received.
#[derive(Debug)]
pub struct Finished {
    pub summary: RunSummary,
    pub rows: Vec<OutputEvent>,
}

impl Running {
    /// Pushes one event. `time` overrides `'event.time'`; `None` uses it (or ingestion time).
    pub fn send(&self, stream: &str, time: Option<i64>, row: Vec<Value>) -> Result<(), Error> {
        let (tx, arity) = self
            .senders
            .get(stream)
            .ok_or_else(|| Error::Usage(format!("`{stream}` is not an input of this run")))?;
        if row.len() != *arity {
            return Err(Error::Usage(format!(
                "`{stream}` has {arity} attributes, the event has {}",
                row.len()
            )));
        }
        tx.send(InputEvent { time, row })
            .map_err(|_| Error::Usage("the app has stopped".into()))
    }

    /// Rows received so far (non-blocking).
    pub fn try_recv(&self) -> Vec<OutputEvent> {
        self.outputs.try_iter().collect()
    }

    /// Blocks for the next row; `None` once the app has finished.
    pub fn recv(&self) -> Option<OutputEvent> {
        self.outputs.recv().ok()
    }

    /// Closes the inputs (end of input, §3.7), waits for the run to end and returns the
    /// summary with every row not yet received.
    pub fn finish(mut self) -> Result<Finished, Error> {
        self.senders.clear();
        let summary = match self.handle.take() {
            Some(h) => h
                .join()
                .map_err(|_| Error::Run(RunError::Runtime("the run panicked".into())))?
                .map_err(Error::Run)?,
            None => return Err(Error::Usage("already finished".into())),
        };
        let rows = self.outputs.try_iter().collect();
        Ok(Finished { summary, rows })
    }
}
