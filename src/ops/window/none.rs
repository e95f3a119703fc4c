//! No window: aggregates run over the whole history (§2.6). Every arrival is a
//! one-event chunk `[CURRENT e]`; nothing is held, nothing expires, no timers.

use serde::{Deserialize, Serialize};

use super::{arrival_chunk, ChunkSink, Ev, Timers, WindowOp};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NoWindow;

impl WindowOp for NoWindow {
    fn on_arrival<S: ChunkSink>(&mut self, ev: Ev, _timers: &mut dyn Timers, out: &mut S) {
        arrival_chunk(&ev, out);
    }
    fn on_timer<S: ChunkSink>(&mut self, _: i64, _: u64, _: &mut dyn Timers, _: &mut S) {}
    fn for_each_held(&self, _f: &mut dyn FnMut(&Ev)) {}
}
