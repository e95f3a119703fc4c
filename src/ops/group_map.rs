//! The selector's map from group key to per-group state.
//!
//! A hash table probed with a key *borrowed* from the event ([`KeyRef`]): the hot
//! path (an event of an existing group) hashes the row's GROUP BY values in place and
//! probes once, and clones them into an owned [`GroupKey`] only when a group is new.
//! `hashbrown::HashMap::entry_ref` cannot do this for a borrowed key type that is not
//! `ToOwned` into the key, so the map sits on `hashbrown::HashTable` and keeps each
//! entry's hash (rehashing never re-reads keys).
//!
//! Serialised as a list of `(key, value)` pairs; iteration order carries no meaning
//! (every caller that emits in an order keeps that order itself).

use std::borrow::Cow;
use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;

use crate::value::Value;

/// A group key: the GROUP BY values (inline for up to two columns, the common case).
pub type GroupKey = SmallVec<[Value; 2]>;

/// A group key borrowed from an event where possible (owned where an expression
/// computed it).
pub struct KeyRef<'a>(pub SmallVec<[Cow<'a, Value>; 2]>);

impl KeyRef<'_> {
    pub fn owned(&self) -> GroupKey {
        self.0.iter().map(|v| v.as_ref().clone()).collect()
    }
    pub fn to_box(&self) -> Box<[Value]> {
        self.0.iter().map(|v| v.as_ref().clone()).collect()
    }
    fn matches(&self, key: &[Value]) -> bool {
        self.0.len() == key.len() && self.0.iter().zip(key).all(|(a, b)| **a == *b)
    }
}

/// The one hash function of keys, borrowed or owned.
fn hash_of<'v>(values: impl ExactSizeIterator<Item = &'v Value>) -> u64 {
    let mut h = FxBuildHasher.build_hasher();
    h.write_usize(values.len());
    for v in values {
        v.hash(&mut h);
    }
    h.finish()
}

struct Slot<V> {
    hash: u64,
    key: GroupKey,
    value: V,
}

pub struct GroupMap<V> {
    table: HashTable<Slot<V>>,
}

impl<V> Default for GroupMap<V> {
    fn default() -> Self {
        GroupMap {
            table: HashTable::new(),
        }
    }
}

impl<V: Clone> Clone for GroupMap<V> {
    fn clone(&self) -> Self {
        let mut table = HashTable::with_capacity(self.table.len());
        for s in &self.table {
            table.insert_unique(
                s.hash,
                Slot {
                    hash: s.hash,
                    key: s.key.clone(),
                    value: s.value.clone(),
                },
                |s| s.hash,
            );
        }
        GroupMap { table }
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for GroupMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.table.iter().map(|s| (&s.key, &s.value)))
            .finish()
    }
}

impl<V> GroupMap<V> {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The value of `key`, created by `new` if the group is new.
    pub fn get_or_insert_with(&mut self, key: &KeyRef, new: impl FnOnce() -> V) -> &mut V {
        let hash = hash_of(key.0.iter().map(|v| v.as_ref()));
        match self
            .table
            .entry(hash, |s| s.hash == hash && key.matches(&s.key), |s| s.hash)
        {
            Entry::Occupied(e) => &mut e.into_mut().value,
            Entry::Vacant(e) => {
                let slot = Slot {
                    hash,
                    key: key.owned(),
                    value: new(),
                };
                &mut e.insert(slot).into_mut().value
            }
        }
    }

    pub fn get_ref(&self, key: &KeyRef) -> Option<&V> {
        let hash = hash_of(key.0.iter().map(|v| v.as_ref()));
        self.table
            .find(hash, |s| s.hash == hash && key.matches(&s.key))
            .map(|s| &s.value)
    }

    pub fn get(&self, key: &[Value]) -> Option<&V> {
        let hash = hash_of(key.iter());
        self.table
            .find(hash, |s| s.hash == hash && s.key[..] == *key)
            .map(|s| &s.value)
    }

    pub fn get_mut(&mut self, key: &[Value]) -> Option<&mut V> {
        let hash = hash_of(key.iter());
        self.table
            .find_mut(hash, |s| s.hash == hash && s.key[..] == *key)
            .map(|s| &mut s.value)
    }

    pub fn remove_ref(&mut self, key: &KeyRef) {
        let hash = hash_of(key.0.iter().map(|v| v.as_ref()));
        if let Ok(e) = self
            .table
            .find_entry(hash, |s| s.hash == hash && key.matches(&s.key))
        {
            e.remove();
        }
    }

    pub fn remove(&mut self, key: &[Value]) {
        let hash = hash_of(key.iter());
        if let Ok(e) = self
            .table
            .find_entry(hash, |s| s.hash == hash && s.key[..] == *key)
        {
            e.remove();
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&mut V) -> bool) {
        self.table.retain(|s| keep(&mut s.value));
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.table.iter_mut().map(|s| &mut s.value)
    }

    pub fn clear(&mut self) {
        self.table.clear();
    }
}

impl<V: Serialize> Serialize for GroupMap<V> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.table.iter().map(|s| (&s.key, &s.value)))
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for GroupMap<V> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let pairs: Vec<(GroupKey, V)> = Vec::deserialize(de)?;
        let mut map = GroupMap::default();
        for (key, value) in pairs {
            let hash = hash_of(key.iter());
            map.table
                .insert_unique(hash, Slot { hash, key, value }, |s| s.hash);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(vals: &[Value]) -> KeyRef<'_> {
        KeyRef(vals.iter().map(Cow::Borrowed).collect())
    }

    #[test]
    fn borrowed_and_owned_keys_find_the_same_group() {
        let mut m: GroupMap<i64> = GroupMap::default();
        let a = [Value::str("a"), Value::Long(1)];
        let b = [Value::str("a"), Value::Long(2)];
        *m.get_or_insert_with(&key(&a), || 0) += 5;
        *m.get_or_insert_with(&key(&b), || 0) += 7;
        *m.get_or_insert_with(&key(&a), || 100) += 1;
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(&a), Some(&6));
        assert_eq!(m.get(&b), Some(&7));
        let computed = KeyRef(vec![Cow::Owned(Value::str("a")), Cow::Owned(Value::Long(2))].into());
        assert_eq!(*m.get_or_insert_with(&computed, || 0), 7);
        m.remove_ref(&key(&a));
        assert_eq!(m.get(&a), None);
        m.remove(&b);
        assert!(m.is_empty());
    }

    #[test]
    fn serde_round_trip_keeps_lookups() {
        let mut m: GroupMap<i64> = GroupMap::default();
        for i in 0..100 {
            let k = [Value::Long(i)];
            *m.get_or_insert_with(&key(&k), || 0) = i * 2;
        }
        let bytes =
            bincode::serde::encode_to_vec(&m, bincode::config::standard()).expect("serialises");
        let (back, _): (GroupMap<i64>, usize) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard())
                .expect("deserialises");
        assert_eq!(back.len(), 100);
        assert_eq!(back.get(&[Value::Long(42)]), Some(&84));
    }
}
