fn main() {
    std::process::exit(fluxtide::cli::main());
}
