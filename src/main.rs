// The engine allocates rows and window state at high rates across worker threads;
// mimalloc's thread-local free lists beat glibc malloc there (measured with
// scripts/bench.sh). Library users keep their own allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(fluxtide::cli::main());
}
