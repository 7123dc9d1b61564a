//! Both cores for a large input file: the reading thread splits the input
//! into records (so a quoted cell that spans lines stays one row, exactly
//! as on one thread), hands them out in chunks of [`CHUNK_ROWS`] rows with
//! their row numbers, and writes the chunks' output in input order as they
//! come back. Each worker prices on its own copy of the catalog (pricing
//! remembers things per run and is not shared between threads). At most
//! [`IN_FLIGHT`] chunks exist at once, each reused, so memory stays flat.
//!
//! Only used for a regular file of at least [`MIN_BYTES`] (see
//! [`super::Options::parallel`]): a pipe (`tail -f | ctbill batch`) keeps
//! the one-thread path, whose rows come out as soon as they are read.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Options;
use super::Tally;
use super::sink::Sink;
use super::split::{Input, Record};
use crate::catalog::Catalog;
use crate::error::Error;
use crate::load::Source;

/// Rows per chunk.
const CHUNK_ROWS: usize = 512;
/// Chunks read, being priced or waiting to be written, at most.
const IN_FLIGHT: usize = 6;
/// Inputs smaller than this are priced on one thread.
pub(super) const MIN_BYTES: u64 = 4 << 20;

/// Threads to price on, or `None` when there is one core.
pub(super) fn workers() -> Option<usize> {
    let n = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    (n > 1).then(|| n.min(8))
}

/// A fresh catalog from the same source, for a worker.
pub(super) fn own_catalog(source: &Source) -> Result<Catalog, Error> {
    Catalog::load(source.clone())
}

/// Rows handed to a worker, and what it makes of them.
pub(super) struct Job {
    /// The chunk's place in the input.
    seq: u64,
    records: Vec<Record>,
    len: usize,
    /// The rows' output.
    out: Vec<u8>,
    /// What the rows add to the summary; its row counter starts before
    /// the chunk's first row.
    tally: Tally,
}

impl Job {
    /// The chunk's records, in input order, and its summary.
    pub fn parts(&mut self) -> (&[Record], &mut Tally) {
        (&self.records[..self.len], &mut self.tally)
    }
}

/// A worker's side of the queue.
pub(super) struct Jobs<'q> {
    queue: &'q Mutex<Receiver<Job>>,
    done: &'q SyncSender<Job>,
}

impl Jobs<'_> {
    /// The next chunk to price, `None` once the input is read (or the run
    /// was abandoned).
    pub fn next(&mut self) -> Option<Job> {
        self.queue.lock().ok()?.recv().ok()
    }

    /// Hands a priced chunk back, with the rows `sink` holds as its output.
    pub fn done(&mut self, mut job: Job, sink: &mut Sink<'_>) {
        job.out.clear();
        std::mem::swap(&mut job.out, sink.buf());
        // The reader has stopped waiting when the run failed: nothing to do.
        let _ = self.done.send(job);
    }
}

/// Reads the records of `input` (after the header), has `work` price them
/// on several threads, and writes their output to `sink` in input order,
/// adding each chunk's summary to `tally`. `work` runs once per worker
/// thread and takes chunks from its [`Jobs`] until there are none.
pub(super) fn run<R, F>(
    input: &mut Input<R>,
    options: &Options<'_>,
    sink: &mut Sink<'_>,
    tally: &mut Tally,
    work: F,
) -> Result<(), Error>
where
    R: Read,
    F: Fn(Jobs<'_>) -> Result<(), Error> + Sync,
{
    let workers = workers().unwrap_or(2);
    let (queue_tx, queue_rx) = sync_channel::<Job>(IN_FLIGHT);
    let queue = Arc::new(Mutex::new(queue_rx));
    let (done_tx, done_rx) = sync_channel::<Job>(IN_FLIGHT);
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (queue, done, work, failed) = (&queue, done_tx.clone(), &work, &failed);
                scope.spawn(move || {
                    // Set unless the worker ends well, a panic included.
                    let guard = Failed(failed);
                    let result = work(Jobs { queue, done: &done });
                    if result.is_ok() {
                        std::mem::forget(guard);
                    }
                    result
                })
            })
            .collect();
        drop(done_tx);
        let read = feed(input, options, sink, tally, &queue_tx, &done_rx, &failed);
        // Closing the queue stops the workers.
        drop(queue_tx);
        // Workers stop once the queue is closed (by `feed`, done or failed).
        let mut worked = Ok(());
        for handle in handles {
            match handle.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => worked = worked.and(Err(e)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        // A worker's error explains a run that stopped early.
        worked.and(read)
    })
}

/// The reading thread: fills chunks, queues them, and writes the priced
/// ones in order.
fn feed<R: Read>(
    input: &mut Input<R>,
    options: &Options<'_>,
    sink: &mut Sink<'_>,
    tally: &mut Tally,
    queue: &SyncSender<Job>,
    done: &Receiver<Job>,
    failed: &AtomicBool,
) -> Result<(), Error> {
    let mut spare: Vec<Job> = Vec::new();
    let mut made = 0;
    // Chunks queued, by sequence; and those priced out of order.
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let mut early: Vec<Job> = Vec::new();
    let mut next_row = tally.rows + 1;
    let mut seq = 0;
    let mut eof = false;
    while !eof || !waiting.is_empty() {
        // Queue chunks while there is room.
        while !eof && (spare.len() + usize::from(made < IN_FLIGHT)) > 0 {
            let mut job = spare.pop().unwrap_or_else(|| {
                made += 1;
                Job {
                    seq: 0,
                    records: Vec::new(),
                    len: 0,
                    out: Vec::new(),
                    tally: Tally::default(),
                }
            });
            job.len = 0;
            while job.len < CHUNK_ROWS {
                if job.records.len() == job.len {
                    job.records.push(Record::default());
                }
                if !input
                    .next_record(&mut job.records[job.len])
                    .map_err(|e| options.read_error(e))?
                {
                    eof = true;
                    break;
                }
                job.len += 1;
            }
            if job.len == 0 {
                spare.push(job);
                break;
            }
            job.seq = seq;
            seq += 1;
            job.tally = Tally {
                rows: next_row - 1,
                vs: tally
                    .vs
                    .as_ref()
                    .map(|(label, _)| (label.clone(), Vec::new())),
                ..Tally::default()
            };
            next_row += job.len as u64;
            waiting.push_back(job.seq);
            if queue.send(job).is_err() {
                // Every worker has stopped: one of them failed.
                return Ok(());
            }
        }
        // Write the next chunk in order once it is priced.
        let Some(&want) = waiting.front() else {
            continue;
        };
        let job = if let Some(at) = early.iter().position(|j| j.seq == want) {
            early.swap_remove(at)
        } else {
            let job = loop {
                match done.recv_timeout(Duration::from_millis(20)) {
                    Ok(job) => break job,
                    Err(RecvTimeoutError::Timeout) if !failed.load(Ordering::Relaxed) => {}
                    // A worker failed (its error says why) and its chunk
                    // will never come back.
                    Err(_) => return Ok(()),
                }
            };
            if job.seq != want {
                early.push(job);
                continue;
            }
            job
        };
        waiting.pop_front();
        sink.rows(&job.out)?;
        let mut job = job;
        tally.absorb(std::mem::take(&mut job.tally));
        spare.push(job);
    }
    Ok(())
}

/// Marks the run failed when dropped (a worker that did not end well).
struct Failed<'a>(&'a AtomicBool);

impl Drop for Failed<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
