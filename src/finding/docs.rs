//! The list of finding codes as Markdown, committed as `docs/codes.md`
//! (a test fails when it drifts from the code table).

use super::Code;

/// `docs/codes.md`.
pub fn codes_markdown() -> String {
    let mut out = String::from(
        "# oktapol finding codes\n\n\
         Every finding `oktapol validate` reports carries one of these stable codes.\n\
         Errors fail `validate` (exit 1); warnings fail it only with `--strict`.\n\
         This file is generated from `src/finding/code.rs`; do not edit it by hand.\n\n\
         | Code | Severity | Title |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            info.id,
            info.id.to_lowercase(),
            info.severity.as_str(),
            info.title
        ));
    }
    for code in Code::ALL {
        let info = code.info();
        let severity = info.severity.as_str();
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n## {} — {}\n\n*{severity}.* {}\n",
            info.id.to_lowercase(),
            info.id,
            info.title,
            info.description
        ));
    }
    out
}
