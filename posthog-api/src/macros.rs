//! Macros the generated code expands to: string enums that accept values they do not know,
//! enums tagged by a discriminator property that keep variants they do not know, and the JSON
//! impls of structs.
//!
//! The enums are written by hand rather than derived because serde's derives cannot express
//! either forward-compatible behaviour. All three expand to less code than serde's derives, which
//! matters with the schema's ~1,400 structs and ~800 enums (see BENCHMARKS.md).

/// A string enum with one variant per schema value and an `Unknown(String)` fallback, so a
/// response from a newer PostHog with a value this crate does not know still deserializes.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident $(default = $default:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as PostHog spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $(
            impl ::std::default::Default for $name {
                fn default() -> Self {
                    Self::$default
                }
            }
        )?

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}

/// An enum whose variant is chosen by the value of one property of the JSON object (an OpenAPI
/// `discriminator`), with an `Unknown(serde_json::Value)` fallback for tags this crate does not
/// know.
///
/// This is serde's internally tagged representation, except that the tag stays inside the
/// variant's own struct: PostHog's variant schemas declare the tag (`kind`) as a required field
/// of their own, so each struct serializes and deserializes standalone too, and the tag is never
/// written twice.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        $name:ident tag = $tag:literal {
            $( $(#[$vmeta:meta])* $value:literal => $variant:ident($ty:ty), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A variant whose tag this version of the crate does not know, kept as JSON.
            Unknown(::serde_json::Value),
        }

        impl $name {
            /// The name of the property that selects the variant.
            pub const TAG: &'static str = $tag;
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(inner) => ::serde::Serialize::serialize(inner, serializer), )*
                    Self::Unknown(inner) => ::serde::Serialize::serialize(inner, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get($tag).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    $( Some($value) => ::serde_json::from_value(value)
                        .map(Self::$variant)
                        .map_err(<D::Error as ::serde::de::Error>::custom), )*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    };
}

/// `Serialize` and `Deserialize` for a generated struct, from its wire names.
///
/// Each field is `rust_name = "wire_name" required` or `... optional`. An `optional` field is an
/// `Option` left out of the JSON when `None`; a `required` field is always written. Reading
/// ignores unknown properties (a newer PostHog may add some), reads `null` or a missing property
/// as `None` for `Option` fields, and fails with serde's "missing field" error for any other
/// field that is absent. When a property appears twice, the last one wins.
///
/// Written by hand rather than derived: serde's derive also generates a sequence visitor and a
/// field-identifier enum with its own visitor per struct, which JSON does not need; for this
/// crate's ~1,400 structs the derives took over a third of the time to type-check the crate.
macro_rules! json_object {
    ($name:ident { $( $field:ident = $json:literal $kind:ident, )* }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut map = ::serde::Serializer::serialize_map(serializer, ::std::option::Option::None)?;
                $( $crate::json::$kind(&mut map, $json, &self.$field)?; )*
                ::serde::ser::SerializeMap::end(map)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $( let mut $field = ::std::option::Option::None; )*
                        while let ::std::option::Option::Some(key) = map.next_key::<$crate::json::Key<'de>>()? {
                            match key.as_str() {
                                $( $json => $field = ::std::option::Option::Some(map.next_value()?), )*
                                _ => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        ::std::result::Result::Ok($name {
                            $( $field: $crate::json::finish($field, $json)?, )*
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}
