//! [`Str`]: the string of a [`super::Value`], inline when short.
//!
//! Strings of up to [`INLINE_MAX`] bytes (symbols, ids, codes: most string attributes
//! of an event stream) are stored inside the value itself, so copying, hashing and
//! comparing them touch no other memory and no reference count. Longer strings are
//! shared `Arc<str>`s. Why it matters: a reference count is a write to shared memory;
//! with several workers, a string decoded on one and processed on another bounced
//! its cache line between cores on every clone and drop, and the bytes to hash sat
//! behind a pointer.
//!
//! `Value` stays 24 bytes: the inline form is a length byte and 22 bytes of text.
//! Equality, order and hashing are those of the text, whatever the representation.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest string kept inline.
pub const INLINE_MAX: usize = 22;

#[derive(Clone)]
pub enum Str {
    /// `len` bytes of UTF-8 text at the start of `bytes` (the rest is zero).
    Inline {
        len: u8,
        bytes: [u8; INLINE_MAX],
    },
    Heap(Arc<str>),
}

impl Str {
    pub fn new(s: &str) -> Str {
        if s.len() <= INLINE_MAX {
            let mut bytes = [0u8; INLINE_MAX];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Str::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            Str::Heap(Arc::from(s))
        }
    }

    /// The string of UTF-8 `bytes` (validated; short ASCII text, the usual case,
    /// by a cheaper test).
    #[inline]
    pub fn from_utf8(bytes: &[u8]) -> Result<Str, std::str::Utf8Error> {
        if bytes.len() <= INLINE_MAX && bytes.is_ascii() {
            let mut inline = [0u8; INLINE_MAX];
            inline[..bytes.len()].copy_from_slice(bytes);
            return Ok(Str::Inline {
                len: bytes.len() as u8,
                bytes: inline,
            });
        }
        std::str::from_utf8(bytes).map(Str::new)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Str::Inline { len, bytes } => {
                let text = &bytes[..usize::from(*len).min(INLINE_MAX)];
                // SAFETY: `Inline` is only built from the bytes of a `&str` or from
                // ASCII bytes (`Str::new`, `Str::from_utf8`), and `len` covers exactly
                // them, so they are valid UTF-8.
                unsafe { std::str::from_utf8_unchecked(text) }
            }
            Str::Heap(s) => s,
        }
    }
}

impl Deref for Str {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        if s.len() <= INLINE_MAX {
            Str::new(&s)
        } else {
            Str::Heap(Arc::from(s))
        }
    }
}

impl From<Arc<str>> for Str {
    fn from(s: Arc<str>) -> Str {
        if s.len() <= INLINE_MAX {
            Str::new(&s)
        } else {
            Str::Heap(s)
        }
    }
}

impl PartialEq for Str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        match (self, other) {
            // Inline bytes past `len` are zero, so equal texts have equal arrays.
            (Str::Inline { len: a, bytes: x }, Str::Inline { len: b, bytes: y }) => {
                a == b && x == y
            }
            _ => self.as_str() == other.as_str(),
        }
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Str, D::Error> {
        String::deserialize(de).map(Str::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn inline_and_heap_forms_behave_as_their_text() {
        let short = Str::new("S0137");
        let long_text = "a string that is longer than twenty-two bytes";
        let long = Str::new(long_text);
        assert!(matches!(short, Str::Inline { .. }));
        assert!(matches!(long, Str::Heap(_)));
        assert_eq!(&*short, "S0137");
        assert_eq!(&*long, long_text);
        // The same text through another route compares and hashes equal.
        let via_arc = Str::from(Arc::<str>::from("S0137"));
        assert_eq!(short, via_arc);
        let h = rustc_hash::FxBuildHasher;
        assert_eq!(h.hash_one(&short), h.hash_one("S0137"));
        assert!(Str::new("abc") < Str::new("abd"));
        assert!(Str::new("zz") > Str::new(long_text));
        let exactly = "x".repeat(INLINE_MAX);
        assert!(matches!(Str::new(&exactly), Str::Inline { .. }));
        assert!(matches!(Str::new(&format!("{exactly}é")), Str::Heap(_)));
        assert_eq!(Str::new("ünïcode"), Str::from("ünïcode".to_string()));
        assert_eq!(Str::from_utf8(b"S0137").ok(), Some(short));
        assert_eq!(
            Str::from_utf8("ünïcode".as_bytes()).ok(),
            Some(Str::new("ünïcode"))
        );
        assert!(Str::from_utf8(&[b'a', 0xff]).is_err());
    }
}
