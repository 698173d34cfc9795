//! Records the git commit the binary is built from, for `--version`:
//! `git rev-parse --short HEAD`, or `unknown` outside a git checkout (a
//! source tarball, `cargo install` from crates.io).

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=OKTAPOL_GIT_COMMIT={commit}");
    // Built again when HEAD moves (a checkout, or a commit on the branch).
    let git_dir = Command::new("git")
        .args(["rev-parse", "--git-dir"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| std::path::PathBuf::from(text.trim()));
    if let Some(git_dir) = git_dir {
        let head = git_dir.join("HEAD");
        let mut watched = vec![head.clone(), git_dir.join("packed-refs")];
        if let Ok(text) = std::fs::read_to_string(&head)
            && let Some(reference) = text.strip_prefix("ref: ")
        {
            watched.push(git_dir.join(reference.trim()));
        }
        // A missing path would make cargo run this script on every build.
        for path in watched.iter().filter(|path| path.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
