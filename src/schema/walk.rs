//! Navigating the generated schema alongside a document: which schema
//! node describes the value at a JSON pointer (following `$ref` and picking
//! the tagged alternative the value selects), and what it allows there.

use serde_json::Value;

/// The property names the schema allows for the object at `pointer`.
pub(super) fn allowed_keys(schema: &Value, document: &Value, pointer: &str) -> Vec<String> {
    let Some(node) = schema_node(schema, document, pointer) else {
        return Vec::new();
    };
    let node = select_branch(
        schema,
        resolve(schema, node),
        document_node(document, pointer),
    );
    node.get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// Whether the key at `pointer` is required in its mapping.
pub(super) fn is_required(schema: &Value, document: &Value, pointer: &str) -> bool {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    let Some(node) = schema_node(schema, document, parent) else {
        return false;
    };
    let node = select_branch(
        schema,
        resolve(schema, node),
        document_node(document, parent),
    );
    node.get("required")
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|name| name.as_str() == Some(&key)))
}

/// The instance at `pointer` (the document itself when it does not exist).
fn document_node<'d>(document: &'d Value, pointer: &str) -> &'d Value {
    document.pointer(pointer).unwrap_or(document)
}

/// The (unresolved) schema of the node at `pointer`, following the
/// alternatives the document's nodes on the way select.
pub(super) fn schema_node<'s>(
    schema: &'s Value,
    document: &Value,
    pointer: &str,
) -> Option<&'s Value> {
    let mut node = schema;
    let mut instance = document;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = select_branch(schema, resolve(schema, node), instance);
        let next = if let Ok(index) = token.parse::<usize>() {
            instance
                .get(index)
                .and_then(|child| node.get("items").map(|items| (items, child)))
        } else {
            instance.get(&token).and_then(|child| {
                node.get("properties")
                    .and_then(|p| p.get(&token))
                    .map(|s| (s, child))
            })
        };
        match next {
            Some((child_schema, child)) => {
                node = child_schema;
                instance = child;
            }
            None => return None,
        }
    }
    Some(node)
}

pub(super) fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> &'s Value {
    for _ in 0..32 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(path) => match root.pointer(path) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

pub(super) fn select_branch<'s>(root: &'s Value, node: &'s Value, instance: &Value) -> &'s Value {
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    let Some(branches) = branches else {
        return node;
    };
    let tag = instance.get("type");
    let chosen = branches.iter().map(|b| resolve(root, b)).find(|branch| {
        let tag_schema = branch.get("properties").and_then(|p| p.get("type"));
        match (tag, tag_schema) {
            (Some(tag), Some(tag_schema)) => {
                tag_schema.get("const") == Some(tag)
                    || tag_schema
                        .get("enum")
                        .and_then(Value::as_array)
                        .is_some_and(|values| values.contains(tag))
            }
            _ => branch.get("properties").is_some(),
        }
    });
    chosen.unwrap_or(node)
}
