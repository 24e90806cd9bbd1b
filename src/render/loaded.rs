//! The loaded project: the project together with what every output stage reads
//! beside it, each made once per build: its Fluent messages, the attribution that
//! issues its tracked links, its compiled templates and its URLs. The site, banner,
//! kit and results stages take it by reference, so no stage threads these values
//! through its functions one by one.

use std::path::Path;
use std::sync::Arc;

use crate::base::diagnostics::Result;
use crate::model::project::Project;
use crate::render::links::Attribution;
use crate::render::locales::Locales;
use crate::render::templates::Templates;
use crate::render::urls::Urls;

/// A project ready to render.
pub(crate) struct Loaded {
    /// The checked project.
    pub(crate) project: Project,
    /// Its interface messages, in every language.
    pub(crate) locales: Arc<Locales>,
    /// The only builder of its referral links, and their log.
    pub(crate) attribution: Arc<Attribution>,
    /// Its theme's and its own templates, compiled.
    pub(crate) templates: Templates,
    /// Where its pages and files live.
    pub(crate) urls: Urls,
}

impl Loaded {
    /// Loads the messages and templates of `project` (found at `root`) and starts its
    /// link log.
    pub(crate) fn new(root: &Path, project: Project) -> Result<Loaded> {
        let locales = Arc::new(Locales::load(root, &project.settings)?);
        let attribution = Arc::new(Attribution::new(&project));
        let templates = Templates::load(
            root,
            &project.settings.theme,
            locales.clone(),
            attribution.clone(),
        )?;
        let urls = Urls::new(&project.settings);
        Ok(Loaded {
            project,
            locales,
            attribution,
            templates,
            urls,
        })
    }
}
