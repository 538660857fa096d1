//! The threads every file is read, scanned and parsed on.

use std::sync::OnceLock;

/// The stack of each thread that parses: syn parses by recursive descent, and this holds
/// [`crate::scan::skeleton::MAX_NESTING`] levels of its most stack-hungry construct several
/// times over even in a debug build. It is address space, not memory: pages are touched only
/// by deep files.
pub const PARSER_STACK: usize = 256 << 20;

static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();

/// Sets how many threads read and check files (0: one per core, the default). Only the first
/// call before any check has an effect; it returns whether this one did.
pub fn set_jobs(jobs: usize) -> bool {
    let mut built = false;
    POOL.get_or_init(|| {
        built = true;
        thread_pool(jobs)
    });
    built
}

/// The threads every file is read, scanned and parsed on.
pub fn pool() -> &'static rayon::ThreadPool {
    POOL.get_or_init(|| thread_pool(0))
}

fn thread_pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(PARSER_STACK)
        .thread_name(|index| format!("objlint-{index}"))
        .build()
        .expect("the operating system starts threads")
}
