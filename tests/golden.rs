//! Golden end-to-end cases: `tests/run/<case>/`.
//!
//! A case has `app.sql`, input files, optional `args` (extra CLI arguments, one per
//! line, paths relative to the case) and `expected/`: one `<Stream>.jsonl` per output
//! stream, optionally `exit` (expected exit code, default 0) and `stderr` (lines that
//! must each appear in stderr). Each case runs three ways — `-w 1`, `-w 2`, and two
//! processes on localhost — with small input chunks so every worker reads, and all
//! outputs must equal `expected/` byte for byte.
//!
//! Bless mode: `UPDATE_EXPECT=1 cargo test --test golden` rewrites `expected/*.jsonl`
//! from the `-w 1` run (then review the diff!). `GOLDEN_CASE=name` runs one case.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_fluxtide");
/// Small chunks so that even tiny inputs are read by several workers.
const CHUNK: &str = "64";

struct Case {
    dir: PathBuf,
    args: Vec<String>,
    outputs: Vec<String>,
    exit: i32,
    stderr: Vec<String>,
}

fn load(dir: &Path) -> Case {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let args = read("args")
        .map(|t| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let mut outputs: Vec<String> = std::fs::read_dir(dir.join("expected"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".jsonl"))
                        .map(String::from)
                })
                .collect()
        })
        .unwrap_or_default();
    outputs.sort();
    let exit = read("expected/exit")
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let stderr = read("expected/stderr")
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Case {
        dir: dir.to_path_buf(),
        args,
        outputs,
        exit,
        stderr,
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free localhost port")
}

fn base_command(case: &Case, out_dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(&case.dir)
        .arg("run")
        .arg("app.sql")
        .arg("--quiet")
        .arg("--chunk-size")
        .arg(CHUNK);
    for a in &case.args {
        c.arg(a);
    }
    for s in &case.outputs {
        c.arg("--output").arg(format!(
            "{s}={}",
            out_dir.join(format!("{s}.jsonl")).display()
        ));
    }
    c.stdin(Stdio::null());
    c
}

fn run_mode(case: &Case, mode: &str, out_dir: &Path) -> Vec<Output> {
    std::fs::create_dir_all(out_dir).expect("temp dir");
    match mode {
        "w1" => vec![base_command(case, out_dir)
            .args(["-w", "1"])
            .output()
            .expect("run fluxtide")],
        "w2" => vec![base_command(case, out_dir)
            .args(["-w", "2"])
            .output()
            .expect("run fluxtide")],
        "n2" => {
            let hostfile = out_dir.join("hosts");
            std::fs::write(
                &hostfile,
                format!("127.0.0.1:{}\n127.0.0.1:{}\n", free_port(), free_port()),
            )
            .expect("hostfile");
            let spawn = |p: &str| {
                base_command(case, out_dir)
                    .args(["-w", "1", "-n", "2", "-p", p, "-h"])
                    .arg(&hostfile)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn fluxtide")
            };
            let p0 = spawn("0");
            let p1 = spawn("1");
            vec![
                p0.wait_with_output().expect("process 0"),
                p1.wait_with_output().expect("process 1"),
            ]
        }
        _ => unreachable!(),
    }
}

fn check_case(case: &Case, bless: bool) -> Vec<String> {
    let mut failures = Vec::new();
    let name = case
        .dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string();
    for mode in ["w1", "w2", "n2"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let outs = run_mode(case, mode, tmp.path());
        let stderr: String = outs
            .iter()
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        // Process 0 decides the run's outcome; in a 2-process run both must agree.
        for (i, o) in outs.iter().enumerate() {
            let code = o.status.code().unwrap_or(-1);
            if code != case.exit {
                failures.push(format!(
                    "{name} [{mode}] process {i}: exit {code}, expected {}\nstderr:\n{stderr}",
                    case.exit
                ));
            }
        }
        for line in &case.stderr {
            if !stderr.contains(line.as_str()) {
                failures.push(format!(
                    "{name} [{mode}]: stderr lacks `{line}`\nstderr:\n{stderr}"
                ));
            }
        }
        for s in &case.outputs {
            let got =
                std::fs::read_to_string(tmp.path().join(format!("{s}.jsonl"))).unwrap_or_default();
            let exp_path = case.dir.join("expected").join(format!("{s}.jsonl"));
            if bless && mode == "w1" {
                std::fs::write(&exp_path, &got).expect("bless");
                continue;
            }
            let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
            if got != expected {
                failures.push(format!("{name} [{mode}] stream {s} differs\n--- expected\n{expected}--- got\n{got}---\nstderr:\n{stderr}"));
            }
        }
    }
    failures
}

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run");
    let only = std::env::var("GOLDEN_CASE").ok();
    let bless = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/run exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("app.sql").exists())
        .filter(|p| {
            only.as_deref()
                .is_none_or(|o| p.file_name().is_some_and(|n| n == o))
        })
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no golden cases found");
    let mut failures = Vec::new();
    for d in &dirs {
        let case = load(d);
        assert!(
            !case.outputs.is_empty() || case.exit != 0 || !case.stderr.is_empty(),
            "{}: a case must check an output, an exit code or stderr",
            d.display()
        );
        failures.extend(check_case(&case, bless));
    }
    eprintln!("golden: {} cases x 3 modes", dirs.len());
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
