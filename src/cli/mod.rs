//! The `fluxtide` command line (DESIGN.md §4): `run`, `check`, `explain`, `fmt`.
//! A thin layer over the library API; owns argument parsing, exit codes, the
//! progress line switch and the end-of-run summary. Exit codes: 0 success,
//! 1 runtime error, 2 usage or query error.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::api::{App, Error};
use crate::runtime::{RunConfig, RunError};

#[derive(Parser, Debug)]
#[command(
    name = "fluxtide",
    version,
    about = "Complex-event processing: EventFluxQL on timely dataflow",
    disable_help_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print help (`-h` is timely's hostfile flag, so help is `--help` only).
    #[arg(long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run an application to the end of its (bounded) inputs.
    #[command(disable_help_flag = true)]
    Run(RunArgs),
    /// Parse and plan; exit 0 or print errors with carets and exit 2.
    #[command(disable_help_flag = true)]
    Check { app: PathBuf },
    /// Print the physical plan: operators, exchanges, state, parallelism.
    #[command(disable_help_flag = true)]
    Explain {
        app: PathBuf,
        #[arg(long = "input", value_name = "STREAM=PATH")]
        inputs: Vec<String>,
        #[arg(long = "output", value_name = "STREAM=PATH")]
        outputs: Vec<String>,
    },
    /// Print the application back as formatted SQL.
    #[command(disable_help_flag = true)]
    Fmt { app: PathBuf },
}

#[derive(Args, Debug)]
struct RunArgs {
    app: PathBuf,
    /// Bind a file source to a stream (`.jsonl`/`.json`: JSON lines, `.csv`: CSV, `-`: stdin).
    #[arg(long = "input", value_name = "STREAM=PATH")]
    inputs: Vec<String>,
    /// Write a stream as JSON lines (`.csv`: CSV; `-`: stdout).
    #[arg(long = "output", value_name = "STREAM=PATH")]
    outputs: Vec<String>,
    /// Worker threads per process.
    #[arg(short = 'w', long = "workers", default_value_t = 1)]
    workers: usize,
    /// Number of processes.
    #[arg(short = 'n', long = "processes", default_value_t = 1)]
    processes: usize,
    /// Index of this process.
    #[arg(short = 'p', long = "process", default_value_t = 0)]
    process: usize,
    /// Hostfile: one host:port per line, one line per process.
    #[arg(short = 'h', long = "hostfile")]
    hostfile: Option<PathBuf>,
    /// Application configuration (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    /// State backend for checkpoints (redis://HOST:PORT/DB).
    #[arg(long)]
    state: Option<String>,
    #[arg(long = "checkpoint-interval")]
    checkpoint_interval: Option<String>,
    #[arg(long)]
    recover: bool,
    #[arg(long = "state-optional")]
    state_optional: bool,
    /// Limit reading to this many events per second (over all workers).
    #[arg(long)]
    rate: Option<f64>,
    /// Operations HTTP server (/health /metrics /status /query).
    #[arg(long)]
    http: Option<String>,
    /// Event-time width of one timely round, in ms (throughput vs latency).
    #[arg(long, default_value_t = 100)]
    tick: u64,
    /// Byte size of input chunks (partitions). Changing it can change which records are late.
    #[arg(long = "chunk-size", default_value_t = 4 << 20)]
    chunk_size: u64,
    /// No progress line and no summary.
    #[arg(short = 'q', long)]
    quiet: bool,
}

/// Runs the CLI with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check { app } => check(&app),
        Command::Explain {
            app,
            inputs,
            outputs,
        } => explain(&app, &inputs, &outputs),
        Command::Fmt { app } => fmt(&app),
        Command::Run(args) => run(args),
    }
}

fn read_app(path: &PathBuf) -> Result<(String, String), i32> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((path.display().to_string(), text)),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            Err(2)
        }
    }
}

fn report(e: &Error) -> i32 {
    match e {
        Error::Query(d) => {
            eprint!("{}", d.render());
            2
        }
        Error::Usage(m) => {
            eprintln!("error: {m}");
            2
        }
        Error::Run(RunError::Setup(m)) => {
            eprintln!("error: {m}");
            2
        }
        Error::Run(RunError::Runtime(m)) => {
            eprintln!("error: {m}");
            1
        }
    }
}

fn load(path: &PathBuf) -> Result<App, i32> {
    let (name, text) = read_app(path)?;
    App::from_sql(&name, &text).map_err(|e| report(&e))
}

fn print_warnings(app: &App) {
    let w = app.warnings();
    if !w.list.is_empty() {
        eprint!("{}", w.render());
    }
}

fn check(path: &PathBuf) -> i32 {
    match load(path) {
        Ok(app) => {
            print_warnings(&app);
            0
        }
        Err(code) => code,
    }
}

fn split_binding(b: &str, flag: &str) -> Result<(String, String), i32> {
    match b.split_once('=') {
        Some((s, p)) if !s.is_empty() && !p.is_empty() => Ok((s.to_string(), p.to_string())),
        _ => {
            let stream = b.split('=').next().filter(|s| !s.is_empty()).unwrap_or("S");
            eprintln!(
                "error: {flag} expects STREAM=PATH, got `{b}` (e.g. {flag} {stream}=data.jsonl; PATH `-` is {})",
                if flag == "--input" { "stdin" } else { "stdout" }
            );
            Err(2)
        }
    }
}

fn bind(app: &mut App, inputs: &[String], outputs: &[String]) -> Result<(), i32> {
    for b in inputs {
        let (s, p) = split_binding(b, "--input")?;
        if p != "-" && !std::path::Path::new(&p).exists() {
            eprintln!("error: --input {s}={p}: no such file");
            return Err(2);
        }
        app.input_file(&s, &p);
    }
    for b in outputs {
        let (s, p) = split_binding(b, "--output")?;
        app.output_file(&s, &p);
    }
    Ok(())
}

fn explain(path: &PathBuf, inputs: &[String], outputs: &[String]) -> i32 {
    let (name, text) = match read_app(path) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let mut app = match App::from_sql(&name, &text) {
        Ok(a) => a,
        Err(e) => return report(&e),
    };
    if let Err(c) = bind(&mut app, inputs, outputs) {
        return c;
    }
    match app.plan() {
        Ok(plan) => {
            print!("{}", crate::plan::explain::explain(&plan, &text));
            0
        }
        Err(e) => report(&e),
    }
}

fn fmt(path: &PathBuf) -> i32 {
    let (name, text) = match read_app(path) {
        Ok(x) => x,
        Err(c) => return c,
    };
    match crate::syntax::parse(&text) {
        Ok(ast) => {
            print!("{}", crate::syntax::print(&ast));
            0
        }
        Err(list) => report(&Error::Query(crate::api::Diagnostics {
            file: name,
            source: text,
            list,
        })),
    }
}

fn not_yet(flag: &str) -> i32 {
    eprintln!("error: {flag} is not supported yet (checkpoints, recovery and the HTTP server are planned work)");
    2
}

fn run(a: RunArgs) -> i32 {
    let state_flag = [
        (a.state.is_some(), "--state"),
        (a.checkpoint_interval.is_some(), "--checkpoint-interval"),
        (a.recover, "--recover"),
        (a.state_optional, "--state-optional"),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag));
    if let Some(flag) = state_flag {
        return not_yet(flag);
    }
    if a.http.is_some() {
        return not_yet("--http");
    }
    if a.config.is_some() {
        return not_yet("--config");
    }
    if a.workers == 0 || a.processes == 0 {
        eprintln!("error: -w and -n must be at least 1");
        return 2;
    }
    if a.tick == 0 || a.chunk_size == 0 {
        eprintln!("error: --tick and --chunk-size must be positive");
        return 2;
    }
    if a.rate.is_some_and(|r| r.is_nan() || r <= 0.0) {
        eprintln!("error: --rate must be a positive number of events per second");
        return 2;
    }
    if a.process >= a.processes {
        eprintln!(
            "error: -p {} is out of range for -n {} (process indexes are 0 to {})",
            a.process,
            a.processes,
            a.processes - 1
        );
        return 2;
    }
    let mut addresses = Vec::new();
    if a.processes > 1 {
        let Some(hf) = &a.hostfile else {
            eprintln!(
                "error: -n {} needs a hostfile (-h FILE, one host:port per line)",
                a.processes
            );
            return 2;
        };
        match std::fs::read_to_string(hf) {
            Ok(t) => {
                addresses = t
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect()
            }
            Err(e) => {
                eprintln!("error: cannot read hostfile {}: {e}", hf.display());
                return 2;
            }
        }
        if addresses.len() < a.processes {
            eprintln!(
                "error: hostfile {} lists {} hosts, -n needs {}",
                hf.display(),
                addresses.len(),
                a.processes
            );
            return 2;
        }
    }
    let mut app = match load(&a.app) {
        Ok(app) => app,
        Err(c) => return c,
    };
    if let Err(c) = bind(&mut app, &a.inputs, &a.outputs) {
        return c;
    }
    if !a.quiet {
        print_warnings(&app);
    }
    let cfg = RunConfig {
        workers: a.workers,
        processes: a.processes,
        process: a.process,
        addresses,
        tick_ms: a.tick,
        chunk_size: a.chunk_size,
        rate: a.rate,
        progress: !a.quiet && std::io::stderr().is_terminal(),
    };
    match app.run(cfg) {
        Ok(summary) => {
            if !a.quiet {
                eprintln!("{}", summary.line());
            }
            0
        }
        Err(e) => report(&e),
    }
}
