//! What every task of a run over paths shares, and what each package is checked with.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::catalogue::Catalogue;
use crate::check::file::Prefilter;
use crate::check::members::MemberLibraries;
use crate::check::outcome::FileReport;
use crate::policy::config::Config;
use crate::project::workspace::Workspaces;

/// What every task of a run shares.
pub struct Run<'a> {
    pub cwd: &'a Path,
    /// Whether `cwd` is the process's current directory: then a file is opened by the path
    /// the walk gave, which the kernel resolves from there, not from the root (a pre-commit
    /// hook's relative paths cost fewer lookups).
    pub cwd_is_current: bool,
    /// The run's configuration, with what is built from it.
    pub settings: Arc<Settings>,
    /// The root of the workspace the run is in (or `cwd`).
    pub root: PathBuf,
    pub workspaces: Workspaces,
    /// Each checked file with its [`Place`].
    pub checked: Mutex<Vec<(Place, FileReport)>>,
    /// Whether a path taken as a file by its name ([`Found::NamedFile`](crate::project::discover::Found::NamedFile)) is not one.
    pub misnamed: AtomicBool,
    /// The libraries of members packages depend on by path, read once.
    pub members: MemberLibraries,
}

/// What a package is checked with: its configuration (the run's, or the one found for its
/// workspace; see [`Config::for_package`]) and the catalogue and prefilter built from it.
pub struct Settings {
    pub config: Config,
    pub catalogue: Catalogue,
    pub prefilter: Prefilter,
}

impl Settings {
    pub fn new(config: Config) -> Self {
        let catalogue = Catalogue::new(&config.apis);
        let prefilter = Prefilter::new(&catalogue);
        Settings {
            config,
            catalogue,
            prefilter,
        }
    }
}

/// Where a file comes in the report: the index of the path it was found under, as the paths
/// were given, and its place in that path's walk.
pub type Place = (usize, usize);
