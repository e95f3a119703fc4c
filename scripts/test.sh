#!/usr/bin/env bash
# Installs what the tests need (nothing beyond Rust yet; Redis arrives with checkpoints)
# and runs the whole test suite. Used by README and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

need_python=0
command -v python3 >/dev/null 2>&1 || need_python=1
if [ "$need_python" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3 >/dev/null
  else
    echo "scripts/test.sh: python3 is needed (benchmark data generator)" >&2
  fi
fi

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --all-targets "$@"
cargo test --doc "$@"
