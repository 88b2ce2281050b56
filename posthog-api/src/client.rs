//! The client and its builder: which PostHog it talks to, which keys it carries, and the
//! timeouts, retry policy and rate limiter every call goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::auth::KeyPlacement;
use crate::error::{Error, Result};
use crate::limiter::{LocalRateLimiter, TeamKey};
use crate::ratelimit::{RateLimitMode, RateLimiter, RateLimits};
use crate::retry::RetryPolicy;

/// The user agent every request carries, after the caller's own product token if one is set.
pub const USER_AGENT: &str = concat!("posthog-api-rs/", env!("CARGO_PKG_VERSION"));

/// Which PostHog a client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Host {
    /// PostHog US Cloud: `https://us.posthog.com` (private API), `https://us.i.posthog.com` (ingestion).
    UsCloud,
    /// PostHog EU Cloud: `https://eu.posthog.com` (private API), `https://eu.i.posthog.com` (ingestion).
    EuCloud,
    /// A self-hosted instance: one base URL, such as `https://posthog.example.com`, for both.
    /// It must have a scheme and no path.
    SelfHosted(String),
}

impl Host {
    /// The base URL of the private API, the only origin the personal API key is sent to.
    pub fn private_base(&self) -> &str {
        match self {
            Host::UsCloud => "https://us.posthog.com",
            Host::EuCloud => "https://eu.posthog.com",
            Host::SelfHosted(url) => url.trim_end_matches('/'),
        }
    }

    /// The base URL of the public ingestion endpoints (`/capture`, `/flags`), which take the
    /// project API key and never the personal one.
    pub fn public_base(&self) -> &str {
        match self {
            Host::UsCloud => "https://us.i.posthog.com",
            Host::EuCloud => "https://eu.i.posthog.com",
            Host::SelfHosted(url) => url.trim_end_matches('/'),
        }
    }

    fn parse_private_base(&self) -> Result<url::Url> {
        let raw = self.private_base();
        let url = url::Url::parse(raw).map_err(|e| {
            Error::Config(format!(
                "host `{raw}` is not an absolute URL ({e}); write it with its scheme, such as https://posthog.example.com"
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::Config(format!(
                "host `{raw}` must start with http:// or https:// and name a host, such as https://posthog.example.com"
            )));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "host `{raw}` must be a bare origin such as https://posthog.example.com, without a path, query or fragment"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!(
                "host `{}` must not carry credentials",
                url.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }
}

/// A PostHog API client. Cloning is cheap: clones share the connection pool, the configuration
/// and the rate-limit budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    host: Host,
    private_base: url::Url,
    personal_api_key: Option<SecretString>,
    project_api_key: Option<SecretString>,
    key_placement: KeyPlacement,
    project_id: Option<String>,
    organization_id: Option<String>,
    timeout: Option<Duration>,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    rate_limit_mode: RateLimitMode,
    limiter: Arc<dyn RateLimiter>,
}

fn redacted(secret: &Option<SecretString>) -> Option<&'static str> {
    secret.as_ref().map(|_| "[redacted]")
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("host", &inner.host)
            .field("personal_api_key", &redacted(&inner.personal_api_key))
            .field("project_api_key", &redacted(&inner.project_api_key))
            .field("key_placement", &inner.key_placement)
            .field("project_id", &inner.project_id)
            .field("organization_id", &inner.organization_id)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("rate_limit_mode", &inner.rate_limit_mode)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The host this client talks to.
    pub fn host(&self) -> &Host {
        &self.inner.host
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn private_base(&self) -> &url::Url {
        &self.inner.private_base
    }

    pub(crate) fn personal_api_key(&self) -> Option<&str> {
        self.inner
            .personal_api_key
            .as_ref()
            .map(|k| k.expose_secret())
    }

    pub(crate) fn project_api_key(&self) -> Option<&str> {
        self.inner
            .project_api_key
            .as_ref()
            .map(|k| k.expose_secret())
    }

    pub(crate) fn key_placement(&self) -> KeyPlacement {
        self.inner.key_placement
    }

    pub(crate) fn default_project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    pub(crate) fn default_organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }

    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.inner.timeout
    }

    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.inner.user_agent
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(crate) fn rate_limit_mode(&self) -> RateLimitMode {
        self.inner.rate_limit_mode
    }

    pub(crate) fn limiter(&self) -> &dyn RateLimiter {
        self.inner.limiter.as_ref()
    }

    /// Replaces every occurrence of the client's keys in text that came from the network, so
    /// that an error excerpt never carries a key the server echoed.
    pub(crate) fn redact(&self, mut text: String) -> String {
        for key in [self.personal_api_key(), self.project_api_key()]
            .into_iter()
            .flatten()
        {
            if !key.is_empty() && text.contains(key) {
                text = text.replace(key, "[redacted]");
            }
        }
        text
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    host: Option<Host>,
    personal_api_key: Option<SecretString>,
    project_api_key: Option<SecretString>,
    key_placement: KeyPlacement,
    project_id: Option<String>,
    organization_id: Option<String>,
    timeout: Option<Option<Duration>>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    rate_limits: Option<RateLimits>,
    rate_limit_mode: RateLimitMode,
    limiter: Option<Arc<dyn RateLimiter>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("personal_api_key", &redacted(&self.personal_api_key))
            .field("project_api_key", &redacted(&self.project_api_key))
            .field("key_placement", &self.key_placement)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Which PostHog to talk to. Defaults to US Cloud.
    pub fn host(mut self, host: Host) -> Self {
        self.host = Some(host);
        self
    }

    /// The personal API key (`phx_...`) that authenticates private API calls.
    pub fn personal_api_key(mut self, key: impl Into<String>) -> Self {
        self.personal_api_key = Some(SecretString::from(key.into()));
        self
    }

    /// Where the personal API key goes: the `Authorization` header (the default), the body or
    /// the query string. It is always sent in exactly one place.
    pub fn key_placement(mut self, placement: KeyPlacement) -> Self {
        self.key_placement = placement;
        self
    }

    /// The project API key (`phc_...`); calls then carry `?token=<key>`, which selects the
    /// project.
    pub fn project_api_key(mut self, key: impl Into<String>) -> Self {
        self.project_api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The project that calls use when they do not name one.
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// The organization that calls use when they do not name one (PostHog's `@current` otherwise).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// The longest one attempt may take, from sending to the end of the body; `None` for no
    /// limit. Defaults to 60 seconds. Event streams are bounded until their headers arrive only.
    ///
    /// Under a paused tokio clock (`tokio::time::pause`), the runtime jumps to the next timer
    /// whenever it waits for the network, so tests that pause the clock should set `None`.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = Some(timeout.into());
        self
    }

    /// The longest opening a connection may take (only for the client's own HTTP client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// A product token such as `my-app/1.2` sent before `posthog-api-rs/<version>` in `User-Agent`.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Sends requests through this `reqwest::Client` instead of a new one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// How failed attempts are retried. Defaults to [`RetryPolicy::new`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The limits of the built-in limiter. Defaults to [`RateLimits::posthog_defaults`].
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Whether a call waits for capacity (the default), fails at once, or is not limited.
    ///
    /// A waiting call can sleep as long as its longest window: up to an hour for the query
    /// bucket once 120 queries were sent in the last hour.
    pub fn rate_limit_mode(mut self, mode: RateLimitMode) -> Self {
        self.rate_limit_mode = mode;
        self
    }

    /// A limiter of the caller's own, instead of the in-process budget shared by every client
    /// for the same host and key. [`rate_limits`](Self::rate_limits) then does not apply.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client> {
        let host = self.host.unwrap_or(Host::UsCloud);
        let private_base = host.parse_private_base()?;
        // A key that cannot be a header value would otherwise be dropped silently at send time.
        if let Some(key) = &self.personal_api_key {
            if HeaderValue::from_str(&format!("Bearer {}", key.expose_secret())).is_err() {
                return Err(Error::Config(
                    "the personal API key contains characters that cannot be sent in a header"
                        .into(),
                ));
            }
        }
        let user_agent = match &self.user_agent {
            Some(product) => format!("{product} {USER_AGENT}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!(
                "user agent `{user_agent}` is not a valid header value"
            ))
        })?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|e| {
                    Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
                })?
            }
        };
        let limiter = match self.limiter {
            Some(limiter) => limiter,
            None => {
                let team = TeamKey::new(
                    &private_base.origin().ascii_serialization(),
                    self.personal_api_key.as_ref().map(|k| k.expose_secret()),
                );
                Arc::new(LocalRateLimiter::shared(
                    self.rate_limits.unwrap_or_default(),
                    team,
                ))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                host,
                private_base,
                personal_api_key: self.personal_api_key,
                project_api_key: self.project_api_key,
                key_placement: self.key_placement,
                project_id: self.project_id,
                organization_id: self.organization_id,
                timeout: self.timeout.unwrap_or(Some(Duration::from_secs(60))),
                user_agent,
                retry: self.retry,
                rate_limit_mode: self.rate_limit_mode,
                limiter,
            }),
        })
    }
}
