//! The command-line contract (DESIGN.md §4): subcommands, flags, exit codes
//! (0 success, 1 runtime error, 2 usage or query error) and what goes to stderr.
//! Every test runs the real binary in a temporary directory, with relative paths
//! so that messages (and the snapshots of them) do not depend on where it runs.

use std::fs;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

/// A good app: a filter and a projection of an internal stream fed by `--input`.
const GOOD: &str = "\
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT)
WITH ('event.time' = 'ts');

INSERT INTO Big
SELECT symbol, price * volume AS notional
FROM Trades
WHERE price > 100.0;
";

const TRADES: &str = r#"{"symbol":"A","price":50.0,"volume":10,"ts":1000}
{"symbol":"B","price":150.0,"volume":2,"ts":2000}
{"symbol":"C","price":300.0,"volume":1,"ts":3000}
"#;

/// Line 3 has an unknown attribute.
const BAD: &str = "\
CREATE STREAM Trades (symbol STRING, price DOUBLE);
INSERT INTO Big
SELECT symbol, prise FROM Trades;
";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A temporary directory holding `files`.
fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write test file");
    }
    dir
}

/// Runs the binary in `dir` with `args`.
fn fluxtide(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_fluxtide"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run fluxtide");
    Out {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn good_dir() -> TempDir {
    dir_with(&[("app.sql", GOOD), ("trades.jsonl", TRADES)])
}

// ------------------------------------------------------------------ check

#[test]
fn check_good_app_exits_0() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["check", "app.sql"]);
    assert_eq!(o.code, 0, "stderr: {}", o.stderr);
    assert!(!o.stderr.contains("error"), "{}", o.stderr);
}

#[test]
fn check_bad_app_exits_2_with_location_and_caret() {
    let d = dir_with(&[("app.sql", BAD)]);
    let o = fluxtide(d.path(), &["check", "app.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("app.sql:3:16"), "{}", o.stderr);
    assert!(o.stderr.contains("^^^^^"), "{}", o.stderr);
    assert!(o.stderr.contains("did you mean `price`?"), "{}", o.stderr);
}

#[test]
fn check_syntax_error_exits_2_with_location() {
    let d = dir_with(&[("app.sql", "CREATE STREAM S (a INT);\nSELECT a FRM S;\n")]);
    let o = fluxtide(d.path(), &["check", "app.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("app.sql:2:"), "{}", o.stderr);
    assert!(o.stderr.contains('^'), "{}", o.stderr);
}

#[test]
fn check_prints_warnings_and_exits_0() {
    let d = dir_with(&[("app.sql", "CREATE STREAM S (a INT);\nSELECT a FROM S;\n")]);
    let o = fluxtide(d.path(), &["check", "app.sql"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("W0001"), "{}", o.stderr);
    assert!(o.stderr.contains("app.sql:2:1"), "{}", o.stderr);
}

#[test]
fn check_missing_app_file_exits_2() {
    let d = dir_with(&[]);
    let o = fluxtide(d.path(), &["check", "nope.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("nope.sql"), "{}", o.stderr);
}

// ------------------------------------------------------------------ explain, fmt

#[test]
fn explain_prints_sources_queries_and_sinks() {
    let app = "\
CREATE STREAM Trades (symbol STRING, price DOUBLE, ts BIGINT)
WITH ('type' = 'source', 'extension' = 'file', 'file.path' = 'trades.jsonl', 'event.time' = 'ts');
CREATE STREAM Alerts (symbol STRING, price DOUBLE)
WITH ('type' = 'sink', 'extension' = 'file', 'file.path' = 'alerts.jsonl');
INSERT INTO Alerts SELECT symbol, price FROM Trades WHERE price > 100.0;
";
    let d = dir_with(&[("app.sql", app), ("trades.jsonl", TRADES)]);
    let o = fluxtide(d.path(), &["explain", "app.sql"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for section in ["sources:", "queries:", "sinks:"] {
        assert!(o.stdout.contains(section), "no {section} in:\n{}", o.stdout);
    }
    assert!(o.stdout.contains("trades.jsonl"), "{}", o.stdout);
    assert!(o.stdout.contains("alerts.jsonl"), "{}", o.stdout);
    assert!(o.stdout.contains("Trades → Alerts"), "{}", o.stdout);
}

#[test]
fn explain_bad_app_exits_2() {
    let d = dir_with(&[("app.sql", BAD)]);
    let o = fluxtide(d.path(), &["explain", "app.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("app.sql:3:16"), "{}", o.stderr);
}

#[test]
fn fmt_prints_sql_that_check_accepts() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["fmt", "app.sql"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("INSERT INTO Big"), "{}", o.stdout);
    fs::write(d.path().join("formatted.sql"), &o.stdout).unwrap();
    let c = fluxtide(d.path(), &["check", "formatted.sql"]);
    assert_eq!(c.code, 0, "formatted:\n{}\nstderr: {}", o.stdout, c.stderr);
    // Formatting is stable.
    let again = fluxtide(d.path(), &["fmt", "formatted.sql"]);
    assert_eq!(again.stdout, o.stdout);
}

#[test]
fn fmt_of_bad_syntax_exits_2() {
    let d = dir_with(&[("app.sql", "SELECT FROM;")]);
    let o = fluxtide(d.path(), &["fmt", "app.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("app.sql:1:"), "{}", o.stderr);
}

// ------------------------------------------------------------------ run: success

#[test]
fn run_success_writes_output_and_summary() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=big.jsonl",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("fluxtide: read 3 events, wrote 2,"),
        "{}",
        o.stderr
    );
    let out = fs::read_to_string(d.path().join("big.jsonl")).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains(r#""symbol":"B""#), "{out}");
    assert!(lines[0].contains(r#""_ts":2000"#), "{out}");
    assert!(lines[1].contains(r#""symbol":"C""#), "{out}");
}

#[test]
fn run_output_to_stdout() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=-",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.lines().count(), 2, "{}", o.stdout);
}

#[test]
fn run_quiet_prints_no_summary() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=big.jsonl",
            "--quiet",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("fluxtide:"), "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    assert!(d.path().join("big.jsonl").exists());
}

#[test]
fn run_with_two_workers_gives_the_same_rows() {
    let d = good_dir();
    let one = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=-",
            "-q",
        ],
    );
    let two = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=-",
            "-q",
            "-w",
            "2",
        ],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(two.code, 0, "{}", two.stderr);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn run_bad_app_exits_2() {
    let d = dir_with(&[("app.sql", BAD)]);
    let o = fluxtide(d.path(), &["run", "app.sql"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("app.sql:3:16"), "{}", o.stderr);
}

// ------------------------------------------------------------------ run: runtime failure

#[test]
fn run_fail_strategy_stops_with_exit_1_and_record_location() {
    let app = "\
CREATE STREAM Trades (symbol STRING, price DOUBLE, volume BIGINT, ts BIGINT)
WITH ('event.time' = 'ts', 'error.strategy' = 'fail');
INSERT INTO Big SELECT symbol FROM Trades;
";
    let data = r#"{"symbol":"A","price":50.0,"volume":10,"ts":1000}
{"symbol":"B","price":"cheap","volume":2,"ts":2000}
"#;
    let d = dir_with(&[("app.sql", app), ("trades.jsonl", data)]);
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=-",
        ],
    );
    assert_eq!(o.code, 1, "stderr: {}", o.stderr);
    assert!(o.stderr.contains("trades.jsonl:2"), "{}", o.stderr);
    assert!(o.stderr.contains("price"), "{}", o.stderr);
}

#[test]
fn run_skips_bad_records_by_default() {
    let data = r#"{"symbol":"B","price":"cheap","volume":2,"ts":2000}
{"symbol":"C","price":300.0,"volume":1,"ts":3000}
"#;
    let d = dir_with(&[("app.sql", GOOD), ("trades.jsonl", data)]);
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=-",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("trades.jsonl:1"), "{}", o.stderr);
    assert_eq!(o.stdout.lines().count(), 1, "{}", o.stdout);
}

// ------------------------------------------------------------------ run: usage errors

#[test]
fn run_input_unknown_stream_exits_2_with_suggestion() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--input", "Trade=trades.jsonl"],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown stream `Trade`"), "{}", o.stderr);
    assert!(o.stderr.contains("did you mean `Trades`?"), "{}", o.stderr);
}

#[test]
fn run_output_unknown_stream_exits_2() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Bigg=-",
        ],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("did you mean `Big`?"), "{}", o.stderr);
}

#[test]
fn run_missing_input_file_exits_2() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--input", "Trades=missing.jsonl"],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("missing.jsonl"), "{}", o.stderr);
}

#[test]
fn run_output_without_equals_exits_2() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "--output", "Big"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("STREAM=PATH"), "{}", o.stderr);
}

#[test]
fn run_processes_without_hostfile_exits_2() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "-n", "2"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("hostfile"), "{}", o.stderr);
}

#[test]
fn run_process_index_out_of_range_exits_2() {
    let d = dir_with(&[
        ("app.sql", GOOD),
        ("hosts.txt", "127.0.0.1:24001\n127.0.0.1:24002\n"),
    ]);
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "-n", "2", "-p", "2", "-h", "hosts.txt"],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("-p 2 is out of range"), "{}", o.stderr);
    // Also with the default single process.
    let o = fluxtide(d.path(), &["run", "app.sql", "-p", "1"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("-p 1 is out of range"), "{}", o.stderr);
}

#[test]
fn run_hostfile_with_too_few_hosts_exits_2() {
    let d = dir_with(&[("app.sql", GOOD), ("hosts.txt", "127.0.0.1:24001\n")]);
    let o = fluxtide(d.path(), &["run", "app.sql", "-n", "2", "-h", "hosts.txt"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("hosts.txt"), "{}", o.stderr);
}

#[test]
fn run_zero_workers_exits_2() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "-w", "0"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("-w"), "{}", o.stderr);
}

#[test]
fn unknown_flag_exits_2() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "--frobnicate"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--frobnicate"), "{}", o.stderr);
}

#[test]
fn unknown_subcommand_and_no_subcommand_exit_2() {
    let d = good_dir();
    assert_eq!(fluxtide(d.path(), &["frobnicate", "app.sql"]).code, 2);
    assert_eq!(fluxtide(d.path(), &[]).code, 2);
}

#[test]
fn help_exits_0_and_lists_subcommands() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["--help"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for word in ["run", "check", "explain"] {
        assert!(o.stdout.contains(word), "no `{word}` in:\n{}", o.stdout);
    }
    let o = fluxtide(d.path(), &["run", "--help"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("--input"), "{}", o.stdout);
}

#[test]
fn dash_h_is_the_hostfile_not_help() {
    let d = dir_with(&[
        ("app.sql", GOOD),
        ("trades.jsonl", TRADES),
        ("hosts.txt", "127.0.0.1:24001\n"),
    ]);
    // At the top level `-h` is not a flag at all.
    let o = fluxtide(d.path(), &["-h"]);
    assert_eq!(o.code, 2);
    assert!(!o.stdout.contains("Commands:"), "{}", o.stdout);
    // On `run` it takes a value: the hostfile.
    let o = fluxtide(d.path(), &["run", "app.sql", "-h"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("hostfile"), "{}", o.stderr);
    let o = fluxtide(
        d.path(),
        &[
            "run",
            "app.sql",
            "-h",
            "hosts.txt",
            "--input",
            "Trades=trades.jsonl",
            "-q",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn state_backend_is_not_supported_yet() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--state", "redis://localhost:6379/0"],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("--state"), "{}", o.stderr);
    assert!(o.stderr.contains("not supported yet"), "{}", o.stderr);
    let o = fluxtide(d.path(), &["run", "app.sql", "--recover"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--recover is not supported yet"),
        "{}",
        o.stderr
    );
}

// ------------------------------------------------------------------ snapshots of CLI errors

#[test]
fn snapshot_check_bad_app() {
    let d = dir_with(&[("app.sql", BAD)]);
    let o = fluxtide(d.path(), &["check", "app.sql"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_check_bad_app", o.stderr);
}

#[test]
fn snapshot_input_unknown_stream() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--input", "Trade=trades.jsonl"],
    );
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_input_unknown_stream", o.stderr);
}

#[test]
fn snapshot_output_without_equals() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "--output", "Big"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_output_without_equals", o.stderr);
}

#[test]
fn snapshot_processes_without_hostfile() {
    let d = good_dir();
    let o = fluxtide(d.path(), &["run", "app.sql", "-n", "2"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_processes_without_hostfile", o.stderr);
}

#[test]
fn snapshot_state_not_supported() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--state", "redis://localhost:6379/0"],
    );
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_state_not_supported", o.stderr);
}

#[test]
fn snapshot_missing_input_file() {
    let d = good_dir();
    let o = fluxtide(
        d.path(),
        &["run", "app.sql", "--input", "Trades=missing.jsonl"],
    );
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("cli_missing_input_file", o.stderr);
}

// ------------------------------------------------------------------ formats and stdin

#[test]
fn run_writes_csv_output_with_a_header() {
    let dir = good_dir();
    let out = fluxtide(
        dir.path(),
        &[
            "run",
            "app.sql",
            "--input",
            "Trades=trades.jsonl",
            "--output",
            "Big=big.csv",
            "-w",
            "2",
            "-q",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let csv = fs::read_to_string(dir.path().join("big.csv")).expect("csv output");
    assert_eq!(
        csv,
        "symbol,notional,_ts,_expired\nB,300.0,2000,false\nC,300.0,3000,false\n"
    );
}

#[test]
fn run_reads_stdin_and_writes_stdout() {
    let dir = good_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fluxtide"))
        .args([
            "run", "app.sql", "--input", "Trades=-", "--output", "Big=-", "-q", "-w", "2",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn fluxtide");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(TRADES.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"symbol\":\"B\",\"notional\":300.0,\"_ts\":2000}\n{\"symbol\":\"C\",\"notional\":300.0,\"_ts\":3000}\n"
    );
}
