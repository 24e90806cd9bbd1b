//! The bucket side of a deploy, through `object_store`'s S3 client: list what is
//! there, upload and delete with bounded concurrency, and turn the store's errors
//! into messages a person can act on, with every credential removed.

use std::collections::BTreeMap;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, GetOptions, ObjectStore, PutOptions,
    PutPayload, RetryConfig,
};

use super::plan::{cache_control, normalise_etag, RemoteObject, Upload};
use crate::base::diagnostics::{Error, Result};
use crate::base::env::StorageCredentials as Credentials;
use crate::base::media::content_type;
use crate::model::deploy::Target;

/// A bucket target opened for work.
pub(crate) struct Bucket {
    store: Arc<AmazonS3>,
    prefix: String,
    credentials: Credentials,
    target: String,
    place: String,
}

impl Bucket {
    /// Opens `target` with `credentials`; nothing is sent yet.
    pub(crate) fn open(target: &Target, credentials: &Credentials) -> Result<Bucket> {
        let (Some(key), Some(secret)) =
            (&credentials.access_key_id, &credentials.secret_access_key)
        else {
            return Err(Error::Usage(format!(
                "deploy target `{}` needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI, from the repository's secrets); they never go in site.yaml",
                target.name
            )));
        };
        let mut options = ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(10))
            .with_timeout(Duration::from_secs(120));
        if target
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"))
        {
            // Only a loopback endpoint may be plain http (model::deploy checks it).
            options = options.with_allow_http(true);
        }
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&target.bucket)
            .with_region(&target.region)
            .with_access_key_id(key)
            .with_secret_access_key(secret)
            .with_virtual_hosted_style_request(!target.path_style)
            .with_client_options(options)
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(200),
                    max_backoff: Duration::from_secs(8),
                    base: 2.0,
                },
                max_retries: 5,
                retry_timeout: Duration::from_secs(90),
            });
        if let Some(token) = &credentials.session_token {
            builder = builder.with_token(token);
        }
        if let Some(endpoint) = &target.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        let store = builder.build().map_err(|e| {
            Error::Usage(credentials.redact(&format!("deploy target `{}`: {e}", target.name)))
        })?;
        let place = match target.prefix.as_str() {
            "" => format!("s3://{}", target.bucket),
            prefix => format!("s3://{}/{prefix}", target.bucket),
        };
        Ok(Bucket {
            store: Arc::new(store),
            prefix: target.prefix.clone(),
            credentials: credentials.clone(),
            target: target.name.clone(),
            place,
        })
    }

    /// `s3://bucket/prefix`, for messages.
    pub(crate) fn place(&self) -> &str {
        &self.place
    }

    fn key(&self, rel: &str) -> Result<Path> {
        let key = match self.prefix.as_str() {
            "" => rel.to_owned(),
            prefix => format!("{prefix}/{rel}"),
        };
        Path::parse(&key).map_err(|e| Error::Usage(format!("`{rel}` has no valid object key: {e}")))
    }

    /// Every object under the prefix, keyed by its path below the prefix.
    pub(crate) async fn list(&self) -> Result<BTreeMap<String, RemoteObject>> {
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let mut listing = self.store.list(prefix.as_ref());
        let mut found = BTreeMap::new();
        while let Some(meta) = listing.try_next().await.map_err(|e| self.fail("list", e))? {
            let key = meta.location.as_ref();
            let rel = match self.prefix.as_str() {
                "" => key,
                prefix => match key.strip_prefix(prefix).and_then(|k| k.strip_prefix('/')) {
                    Some(rel) => rel,
                    // The listing is by prefix string; `site2/…` under prefix `site`
                    // is someone else's.
                    None => continue,
                },
            };
            found.insert(
                rel.to_owned(),
                RemoteObject {
                    size: meta.size,
                    etag: meta.e_tag.as_deref().map(normalise_etag),
                },
            );
        }
        Ok(found)
    }

    /// The MD5 of each object in `rels`, from a `HEAD`: the `md5` refkit stores in its
    /// metadata. For objects whose listing gave no MD5 ETag (a multipart upload, KMS
    /// encryption, or a server that lists no ETags); an object without that metadata
    /// is uploaded again.
    pub(crate) async fn digests(
        &self,
        rels: &[String],
        jobs: usize,
    ) -> Result<BTreeMap<String, String>> {
        let found: Vec<Option<(String, String)>> = stream::iter(rels)
            .map(|rel| async move {
                let key = self.key(rel)?;
                let options = GetOptions {
                    head: true,
                    ..GetOptions::default()
                };
                let head = match self.store.get_opts(&key, options).await {
                    Ok(head) => head,
                    // Deleted since the listing: it is uploaded like a new file.
                    Err(object_store::Error::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(self.fail("read the metadata of an object", e)),
                };
                // Only the digest refkit stored with the object's headers counts: a
                // server that writes an object in steps (s3s-fs does) may show the
                // bytes and their ETag of an upload killed before its headers.
                let stored = head
                    .attributes
                    .get(&Attribute::Metadata("md5".into()))
                    .map(|v| v.as_ref().to_ascii_lowercase())
                    .filter(|d| is_md5(d));
                Ok(stored.map(|d| (rel.clone(), d)))
            })
            .buffer_unordered(jobs.max(1))
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Uploads `uploads` from `public`, `jobs` at a time; `done` hears of each
    /// finished one with its size.
    pub(crate) async fn upload(
        &self,
        public: &FsPath,
        uploads: &[Upload],
        jobs: usize,
        done: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        stream::iter(uploads)
            .map(|upload| async move {
                let rel = &upload.file.rel;
                let path = public.join(rel);
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|e| Error::io("read", &path, e))?;
                if bytes.len() as u64 != upload.file.size {
                    return Err(Error::Usage(format!(
                        "{rel} changed while it was deployed; build again, then deploy"
                    )));
                }
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::ContentType, content_type(rel).into());
                attributes.insert(Attribute::CacheControl, cache_control(rel).into());
                attributes.insert(
                    Attribute::Metadata("md5".into()),
                    upload.file.md5.clone().into(),
                );
                let options = PutOptions {
                    attributes,
                    ..PutOptions::default()
                };
                let key = self.key(rel)?;
                self.store
                    .put_opts(&key, PutPayload::from(bytes), options)
                    .await
                    .map_err(|e| self.fail("upload", e))?;
                done(upload.file.size);
                Ok(())
            })
            .buffer_unordered(jobs.max(1))
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    /// Deletes `keys` (paths below the prefix, so never outside it).
    pub(crate) async fn delete(&self, keys: &[String], done: &(dyn Fn(u64) + Sync)) -> Result<()> {
        let paths: Vec<Path> = keys.iter().map(|k| self.key(k)).collect::<Result<_>>()?;
        let mut deleted = self
            .store
            .delete_stream(stream::iter(paths.into_iter().map(Ok)).boxed());
        while deleted
            .try_next()
            .await
            .map_err(|e| self.fail("delete", e))?
            .is_some()
        {
            done(0);
        }
        Ok(())
    }

    /// A store error as a usage error (exit 2) that says what to check, with the
    /// credentials removed.
    fn fail(&self, doing: &str, error: object_store::Error) -> Error {
        let detail = error_chain(&error);
        let lower = detail.to_ascii_lowercase();
        let advice = if matches!(error, object_store::Error::Unauthenticated { .. })
            || lower.contains("invalidaccesskeyid")
            || lower.contains("signaturedoesnotmatch")
            || lower.contains("notsignedup")
            || lower.contains("invalidtoken")
            || lower.contains("expiredtoken")
            || lower.contains("access key")
        {
            "the storage refused the credentials: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)"
        } else if matches!(error, object_store::Error::PermissionDenied { .. })
            || lower.contains("accessdenied")
        {
            "the credentials may not do this: give the key read, write, list and delete on the bucket"
        } else if lower.contains("403 forbidden") {
            "the storage refused the request: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that the key may read, write, list and delete on the bucket"
        } else if lower.contains("nosuchbucket") || lower.contains("bucket does not exist") {
            "the bucket does not exist: create it, or fix `bucket` (and `endpoint`, `region`) in site.yaml"
        } else if lower.contains("connect")
            || lower.contains("dns")
            || lower.contains("timed out")
            || lower.contains("error sending request")
        {
            "the storage could not be reached: check `endpoint` in site.yaml and the network"
        } else {
            "see the storage's message above"
        };
        Error::Usage(self.credentials.redact(&format!(
            "deploy target `{}` ({}): {doing} failed: {detail}\n  help: {advice}",
            self.target, self.place
        )))
    }
}

/// Whether `digest` is an MD5 in lowercase hex.
pub(crate) fn is_md5(digest: &str) -> bool {
    digest.len() == 32 && digest.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An error and its causes on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}
