//! `Field<T>`: a JSON object member that is absent, explicitly `null`, or a
//! value. Okta distinguishes the three (a PUT that omits `conditions` is not
//! the same as one that sends `"conditions": null`), and oktapol writes back
//! the live object with only its managed fields replaced, so the wire types
//! must not fold `null` into "absent" the way `Option<T>` does.
//!
//! Use it on a struct member as
//! `#[serde(default, skip_serializing_if = "Field::is_absent")]`: `default`
//! makes a missing key `Absent`, and `skip_serializing_if` leaves it missing
//! again on the way out.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON member that may be absent, `null`, or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// The key is not in the object.
    #[default]
    Absent,
    /// The key is present with the value `null`.
    Null,
    /// The key is present with a non-null value.
    Value(T),
}

impl<T> Field<T> {
    /// Whether the key is missing (the `skip_serializing_if` predicate).
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the key is present with the value `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, if there is one (`None` for both absent and `null`).
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, mutably, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, if there is one, forgetting whether it was absent or `null`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }
}

/// `Some(v)` becomes `Value(v)` and `None` becomes `Absent`: the key is left
/// off the wire. Write `Field::Null` to send an explicit `null`.
impl<T> From<Option<T>> for Field<T> {
    fn from(option: Option<T>) -> Self {
        match option {
            Some(value) => Field::Value(value),
            None => Field::Absent,
        }
    }
}

/// `Absent` serialises as `null` too; only `skip_serializing_if` keeps the key
/// out of the object, which is why every `Field` member needs it.
impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(value) => value.serialize(serializer),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

/// Only called when the key is present (a missing key takes `Default`), so
/// the choice is between `Null` and `Value`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Field::Value(value),
            None => Field::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        description: Field<String>,
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        conditions: Field<Value>,
    }

    fn parse(json: &str) -> Body {
        serde_json::from_str(json).expect("valid body")
    }

    #[test]
    fn absent_null_and_value_are_told_apart() {
        assert_eq!(parse("{}").description, Field::Absent);
        assert_eq!(parse(r#"{"description":null}"#).description, Field::Null);
        assert_eq!(
            parse(r#"{"description":"x"}"#).description,
            Field::Value("x".to_owned())
        );
    }

    #[test]
    fn null_is_not_a_json_value_null() {
        // `Field<Value>` must not swallow `null` as `Value(Value::Null)`.
        assert_eq!(parse(r#"{"conditions":null}"#).conditions, Field::Null);
    }

    #[test]
    fn each_state_round_trips() {
        for body in [
            json!({}),
            json!({"description": null, "conditions": null}),
            json!({"description": "d", "conditions": {"people": {"groups": {"include": []}}}}),
        ] {
            let parsed: Body = serde_json::from_value(body.clone()).expect("valid body");
            let back = serde_json::to_value(&parsed).expect("serialise");
            assert_eq!(back, body);
        }
    }

    #[test]
    fn helpers() {
        let value = Field::Value(3);
        assert_eq!(value.as_ref(), Some(&3));
        assert_eq!(value.into_option(), Some(3));
        assert_eq!(Field::<i32>::Null.as_ref(), None);
        assert_eq!(Field::<i32>::Null.into_option(), None);
        assert!(Field::<i32>::default().is_absent());
        assert!(Field::<i32>::Null.is_null());
        assert_eq!(Field::from(Some(1)), Field::Value(1));
        assert_eq!(Field::<i32>::from(None), Field::Absent);
        let mut field = Field::Value(1);
        if let Some(v) = field.as_mut() {
            *v = 2;
        }
        assert_eq!(field, Field::Value(2));
    }
}
