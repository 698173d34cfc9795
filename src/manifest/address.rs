//! Human-readable addresses of manifest nodes, e.g.
//! `signOnPolicies["Contractors"].rules["Office network"].actions.signon`:
//! list items that carry a `name` are shown by name, others by index. The
//! same address style names objects in plans and apply reports.

use serde_json::Value;

/// The address of the node at a JSON pointer in `document`.
pub fn address(document: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(document);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match node {
            Some(Value::Array(items)) => {
                let item = token
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| items.get(index));
                match item.and_then(item_label) {
                    Some(label) => out.push_str(&format!("[{label:?}]")),
                    None => out.push_str(&format!("[{token}]")),
                }
                node = item;
            }
            other => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&token);
                node = other.and_then(|value| value.get(&token));
            }
        }
    }
    if out.is_empty() {
        "the top level of the file".to_owned()
    } else {
        out
    }
}

/// The label of a list item: its `name`, or the `server` of an authorization server entry.
fn item_label(item: &Value) -> Option<&str> {
    item.get("name")
        .or_else(|| item.get("server"))
        .and_then(Value::as_str)
}

/// Appends one key (escaped) to a JSON pointer.
pub fn child_pointer(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_list_items_by_name() {
        let doc = json!({"signOnPolicies": [{"name": "A", "rules": [{"name": "R1"}, {}]}]});
        assert_eq!(
            address(&doc, "/signOnPolicies/0/rules/0/actions"),
            r#"signOnPolicies["A"].rules["R1"].actions"#
        );
        assert_eq!(
            address(&doc, "/signOnPolicies/0/rules/1"),
            r#"signOnPolicies["A"].rules[1]"#
        );
        assert_eq!(address(&doc, ""), "the top level of the file");
    }

    #[test]
    fn escapes_pointer_tokens() {
        assert_eq!(child_pointer("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
