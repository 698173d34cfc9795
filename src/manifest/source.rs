//! Manifest source files and positions in them. Parsing for validation works
//! on plain JSON values (fast); when a finding must be shown, the file is
//! parsed once more into a tree that remembers the line and column of every
//! node, and the finding's JSON pointer is looked up in it.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::finding::Anchor;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    /// The first character of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One manifest file as read from disk.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as it should be shown (relative to where the user pointed).
    pub path: PathBuf,
    /// The file's text; empty when it could not be decoded.
    pub text: String,
    tree: OnceCell<Option<Spanned<Node>>>,
}

impl SourceFile {
    /// A file with its text.
    pub fn new(path: PathBuf, text: String) -> Self {
        Self {
            path,
            text,
            tree: OnceCell::new(),
        }
    }

    /// The path for messages, with forward slashes on every platform.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// The position of the node (or mapping key) at a JSON pointer. A pointer
    /// that goes deeper than the document resolves to its deepest existing
    /// ancestor, so a "missing key" finding points at the mapping that lacks it.
    pub fn locate(&self, pointer: &str, anchor: Anchor) -> Position {
        let tree = self
            .tree
            .get_or_init(|| serde_saphyr::from_str::<Spanned<Node>>(&self.text).ok());
        match tree {
            Some(root) => locate_in(root, pointer, anchor),
            None => Position::START,
        }
    }

    /// The byte offset of a position, for snippet rendering.
    pub fn byte_offset(&self, position: Position) -> usize {
        let mut offset = 0;
        for (index, line) in self.text.split_inclusive('\n').enumerate() {
            if index + 1 == position.line as usize {
                let column = position.column.saturating_sub(1) as usize;
                return offset
                    + line
                        .char_indices()
                        .nth(column)
                        .map_or(line.trim_end_matches(['\n', '\r']).len(), |(i, _)| i);
            }
            offset += line.len();
        }
        self.text.len()
    }
}

/// Formats a path with forward slashes.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// All manifest files of one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Every file, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A YAML node with the positions of its children.
#[derive(Debug)]
enum Node {
    Scalar,
    Sequence(Vec<Spanned<Node>>),
    Mapping(Mapping),
}

/// Mappings with many keys get a hash index, so locating many findings in
/// one huge mapping stays linear overall.
#[derive(Debug)]
struct Mapping {
    entries: Vec<(Spanned<String>, Spanned<Node>)>,
    index: Option<HashMap<String, usize>>,
}

impl Mapping {
    const INDEX_FROM: usize = 32;

    fn new(entries: Vec<(Spanned<String>, Spanned<Node>)>) -> Self {
        let index = (entries.len() >= Self::INDEX_FROM).then(|| {
            entries
                .iter()
                .enumerate()
                .map(|(position, (key, _))| (key.value.clone(), position))
                .collect()
        });
        Mapping { entries, index }
    }

    fn get(&self, key: &str) -> Option<&(Spanned<String>, Spanned<Node>)> {
        match &self.index {
            Some(index) => index.get(key).map(|&position| &self.entries[position]),
            None => self
                .entries
                .iter()
                .find(|(candidate, _)| candidate.value == key),
        }
    }
}

fn position_of<T>(spanned: &Spanned<T>) -> Position {
    Position {
        line: u32::try_from(spanned.referenced.line()).unwrap_or(u32::MAX),
        column: u32::try_from(spanned.referenced.column()).unwrap_or(u32::MAX),
    }
}

fn locate_in(root: &Spanned<Node>, pointer: &str, anchor: Anchor) -> Position {
    let mut node = root;
    let mut key_position = None;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match &node.value {
            Node::Mapping(mapping) => mapping
                .get(&token)
                .map(|(key, value)| (Some(position_of(key)), value)),
            Node::Sequence(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .map(|value| (None, value)),
            Node::Scalar => None,
        };
        match next {
            Some((key, value)) => {
                key_position = key;
                node = value;
            }
            None => return position_of(node),
        }
    }
    match (anchor, key_position) {
        (Anchor::Key, Some(key)) => key,
        _ => position_of(node),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

/// Map keys that are not strings (numbers, booleans) are kept by their text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(KeyText(match value {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        }))
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any YAML node")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Spanned<KeyText>, Spanned<Node>>()? {
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, value));
        }
        Ok(Node::Mapping(Mapping::new(entries)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("t.yaml"), text.to_owned())
    }

    #[test]
    fn locates_values_keys_and_missing_children() {
        let f = file("a:\n  b: [1, 2]\n  list:\n    - name: x\n      v: 1\n");
        let at = |p, a| f.locate(p, a).to_string();
        assert_eq!(at("/a/b/1", Anchor::Value), "2:10");
        assert_eq!(at("/a/list/0/v", Anchor::Value), "5:10");
        assert_eq!(at("/a/list/0/v", Anchor::Key), "5:7");
        assert_eq!(at("/a/list/0/missing", Anchor::Value), "4:7");
        assert_eq!(at("", Anchor::Value), "1:1");
    }

    #[test]
    fn byte_offsets_follow_characters() {
        let f = file("name: é\nx: 1\n");
        assert_eq!(f.byte_offset(Position { line: 2, column: 1 }), 9);
        assert_eq!(f.byte_offset(Position { line: 1, column: 7 }), 6);
    }

    #[test]
    fn escaped_pointer_tokens() {
        let f = file("\"a/b\": 1\n");
        assert_eq!(f.locate("/a~1b", Anchor::Key).to_string(), "1:1");
    }
}
