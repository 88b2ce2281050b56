//! Helpers behind `json_object!`, the `Serialize`/`Deserialize` impls of generated structs.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap};

/// Writes a property that is always present.
#[inline]
pub fn required<M: SerializeMap, T: Serialize + ?Sized>(
    map: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(key, value)
}

/// Writes an optional property, leaving it out when it is `None`.
#[inline]
pub fn optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// The value of a field after reading the whole object: what was read, or what an absent
/// property means for the field's type (`None` for an `Option`, an error otherwise).
#[inline]
pub fn finish<'de, T: Deserialize<'de>, E: de::Error>(
    value: Option<T>,
    key: &'static str,
) -> Result<T, E> {
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(Missing {
            key,
            error: PhantomData,
        }),
    }
}

/// A property name, borrowed from the input when it has no escapes.
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped into a new string.
    Owned(String),
}

impl Key<'_> {
    /// The name.
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The deserializer of an absent property: `None` for an `Option`, "missing field" otherwise.
struct Missing<E> {
    key: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.key))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[derive(Clone, Debug, PartialEq)]
    struct Insight {
        id: i64,
        name: Option<String>,
        deleted_at: Option<String>,
        filters: Value,
        r#type: String,
    }
    json_object! {
        Insight {
            id = "id" required,
            name = "name" optional,
            deleted_at = "deleted_at" required,
            filters = "filters" required,
            r#type = "_type" required,
        }
    }

    fn sample() -> Insight {
        Insight {
            id: 7,
            name: None,
            deleted_at: None,
            filters: json!({"a": 1}),
            r#type: "trend".into(),
        }
    }

    #[test]
    fn reads_wire_names_and_ignores_unknown_properties() {
        let text = r#"{"id": 7, "future": {"x": [1, 2]}, "deleted_at": null,
                       "filters": {"a": 1}, "_type": "trend"}"#;
        assert_eq!(
            serde_json::from_str::<Insight>(text).expect("succeeds"),
            sample()
        );
        // Through a `Value` and through a reader, where names are not borrowed from the input.
        let value: Value = serde_json::from_str(text).expect("succeeds");
        assert_eq!(
            serde_json::from_value::<Insight>(value).expect("succeeds"),
            sample()
        );
        assert_eq!(
            serde_json::from_reader::<_, Insight>(text.as_bytes()).expect("succeeds"),
            sample()
        );
    }

    #[test]
    fn escaped_names_and_repeated_properties() {
        let text = r#"{"i\u0064": 1, "id": 7, "deleted_at": null, "filters": {"a": 1},
                       "_type": "trend", "name": null}"#;
        assert_eq!(
            serde_json::from_str::<Insight>(text).expect("succeeds"),
            sample()
        );
    }

    #[test]
    fn absent_option_is_none_and_absent_value_is_an_error() {
        let got: Insight =
            serde_json::from_str(r#"{"id": 7, "filters": {"a": 1}, "_type": "trend"}"#)
                .expect("succeeds");
        assert_eq!(got, sample());
        let err =
            serde_json::from_str::<Insight>(r#"{"deleted_at": null, "filters": 1, "_type": ""}"#)
                .expect_err("fails");
        assert_eq!(err.to_string(), "missing field `id` at line 1 column 47");
        let err = serde_json::from_str::<Insight>(r#"{"id": 1, "_type": ""}"#).expect_err("fails");
        assert!(
            err.to_string().starts_with("missing field `filters`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_types_name_the_struct_and_the_value() {
        let err = serde_json::from_str::<Insight>("[1, 2]").expect_err("fails");
        assert!(
            err.to_string().contains("expected an object (Insight)"),
            "{err}"
        );
        let err = serde_json::from_str::<Insight>(r#"{"id": "seven", "filters": 1, "_type": ""}"#)
            .expect_err("fails");
        assert!(
            err.to_string()
                .starts_with("invalid type: string \"seven\", expected i64"),
            "{err}"
        );
        let err = serde_json::from_str::<Insight>(r#"{"id": null, "filters": 1, "_type": ""}"#)
            .expect_err("fails");
        assert!(
            err.to_string()
                .starts_with("invalid type: null, expected i64"),
            "{err}"
        );
    }

    #[test]
    fn writes_required_fields_always_and_optional_ones_when_set() {
        let mut insight = sample();
        assert_eq!(
            serde_json::to_value(&insight).expect("succeeds"),
            json!({"id": 7, "deleted_at": null, "filters": {"a": 1}, "_type": "trend"})
        );
        insight.name = Some("Signups".into());
        let text = serde_json::to_string(&insight).expect("succeeds");
        assert_eq!(
            text,
            r#"{"id":7,"name":"Signups","deleted_at":null,"filters":{"a":1},"_type":"trend"}"#
        );
        assert_eq!(
            serde_json::from_str::<Insight>(&text).expect("succeeds"),
            insight
        );
    }

    /// Fields named like the locals of the macro's expansion.
    #[derive(Debug, PartialEq)]
    struct Shadowing {
        map: i64,
        key: Option<String>,
        serializer: bool,
        deserializer: Vec<i64>,
    }
    json_object! {
        Shadowing {
            map = "map" required,
            key = "key" optional,
            serializer = "serializer" required,
            deserializer = "deserializer" required,
        }
    }

    #[test]
    fn field_names_do_not_clash_with_the_expansion() {
        let value = Shadowing {
            map: 1,
            key: Some("k".into()),
            serializer: true,
            deserializer: vec![2],
        };
        let text = serde_json::to_string(&value).expect("serializes");
        assert_eq!(
            text,
            r#"{"map":1,"key":"k","serializer":true,"deserializer":[2]}"#
        );
        assert_eq!(
            serde_json::from_str::<Shadowing>(&text).expect("deserializes"),
            value
        );
    }
}
