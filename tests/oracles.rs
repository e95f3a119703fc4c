//! The golden cases' expected outputs were computed by independent oracles written from
//! LANGUAGE.md (`tests/oracle/*.py`). This test re-runs every oracle in `--check` mode,
//! so an `expected` file edited by hand (or regenerated from the engine) fails here.

use std::path::Path;
use std::process::Command;

#[test]
fn every_oracle_agrees_with_the_case_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    let mut oracles: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/oracle exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        // Shared helpers are modules, not oracles.
        .filter(|p| p.file_stem().is_some_and(|s| s != "casefiles"))
        .collect();
    oracles.sort();
    assert!(
        oracles.len() >= 3,
        "expected the window and join oracles, found {oracles:?}"
    );
    for oracle in oracles {
        let out = Command::new("python3")
            .arg(&oracle)
            .arg("--check")
            .output()
            .expect("python3 runs (scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "{} --check failed:\n{}{}",
            oracle.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
