//! The `oktapol` binary: parse the command line, run, exit with the code
//! the command chose. Everything else lives in the library.

fn main() -> std::process::ExitCode {
    oktapol::cli::main()
}
