//! The client: where requests go, which keys they carry, and how they are sent.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// Which PostHog a client talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Host {
    /// PostHog US Cloud: `https://us.posthog.com` (private API), `https://us.i.posthog.com` (ingestion).
    UsCloud,
    /// PostHog EU Cloud: `https://eu.posthog.com` (private API), `https://eu.i.posthog.com` (ingestion).
    EuCloud,
    /// A self-hosted instance: one base URL, such as `https://posthog.example.com`, for both.
    SelfHosted(String),
}

impl Host {
    /// The base URL of the private API.
    pub fn private_base(&self) -> &str {
        match self {
            Host::UsCloud => "https://us.posthog.com",
            Host::EuCloud => "https://eu.posthog.com",
            Host::SelfHosted(url) => url.trim_end_matches('/'),
        }
    }

    /// The base URL of the public ingestion endpoints.
    pub fn public_base(&self) -> &str {
        match self {
            Host::UsCloud => "https://us.i.posthog.com",
            Host::EuCloud => "https://eu.i.posthog.com",
            Host::SelfHosted(url) => url.trim_end_matches('/'),
        }
    }

    fn validate(&self) -> Result<()> {
        if let Host::SelfHosted(raw) = self {
            let url = url::Url::parse(raw)
                .map_err(|e| Error::Config(format!("self-hosted URL `{raw}` is not a URL: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(Error::Config(format!("self-hosted URL `{raw}` must start with http:// or https://")));
            }
            if url.path() != "/" || url.query().is_some() {
                return Err(Error::Config(format!(
                    "self-hosted URL `{raw}` must be a bare origin such as https://posthog.example.com, without a path"
                )));
            }
        }
        Ok(())
    }
}

/// A PostHog API client. Cloning is cheap: clones share the connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    host: Host,
    personal_api_key: Option<SecretString>,
    project_id: Option<String>,
    organization_id: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.inner.host)
            .field("personal_api_key", &self.inner.personal_api_key.as_ref().map(|_| "[redacted]"))
            .field("project_id", &self.inner.project_id)
            .field("organization_id", &self.inner.organization_id)
            .finish()
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

    pub(crate) fn personal_api_key(&self) -> Option<&str> {
        self.inner.personal_api_key.as_ref().map(|k| k.expose_secret())
    }

    pub(crate) fn default_project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    pub(crate) fn default_organization_id(&self) -> Option<&str> {
        self.inner.organization_id.as_deref()
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    host: Option<Host>,
    personal_api_key: Option<SecretString>,
    project_id: Option<String>,
    organization_id: Option<String>,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("personal_api_key", &self.personal_api_key.as_ref().map(|_| "[redacted]"))
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

    /// Sends requests through this `reqwest::Client` instead of a new one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client, checking the configuration.
    pub fn build(self) -> Result<Client> {
        let host = self.host.unwrap_or(Host::UsCloud);
        host.validate()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .user_agent(concat!("posthog-api-rs/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                host,
                personal_api_key: self.personal_api_key,
                project_id: self.project_id,
                organization_id: self.organization_id,
            }),
        })
    }
}
