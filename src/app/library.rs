//! The model library: catalogs (the format of `engine::catalog`) fetched from the sources the
//! user lists, the one served beside the app first, so the library works offline and on
//! first start. Browse a grid of thumbnails with paging, search by name, tag or author, sort,
//! open a model's page, and add it to the bed with a download progress bar; the file is
//! checked against the catalog (size, sha256, a model at all) and kept in IndexedDB.
//! Favourites and likes stay in this browser. A slow or broken source is retried with
//! backoff and then shown with its error, and never holds up the others.

use super::Ctx;
use super::browser::{absolute_url, sleep};
use crate::device::http::{self, NetError, ReadError, Response};
use crate::engine::catalog::{self, Catalog, Entry, Sort};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;

/// The catalog served beside the app.
const DEFAULT_SOURCE: &str = "library/catalog.json";
/// Models per page.
const PAGE: usize = 12;
/// How long one fetch of a catalog may take (ms), and the waits between tries.
const CATALOG_TIMEOUT_MS: u32 = 10_000;
const RETRY_WAITS_MS: [i32; 2] = [1_000, 3_000];

#[derive(Clone, PartialEq)]
enum SourceState {
    Loading,
    Ready(Catalog),
    Failed(String),
}

#[derive(Clone, PartialEq)]
struct Source {
    /// As the user gave it.
    url: String,
    /// Absolute, for fetching and resolving.
    absolute: String,
    state: SourceState,
}

#[derive(Clone, Copy)]
pub struct Library {
    pub open: RwSignal<bool>,
    sources: RwSignal<Vec<Source>>,
    query: RwSignal<String>,
    sort: RwSignal<Sort>,
    page: RwSignal<usize>,
    only_favourites: RwSignal<bool>,
    /// (source URL, model id) of the open model page.
    selected: RwSignal<Option<(String, String)>>,
    favourites: RwSignal<BTreeSet<String>>,
    likes: RwSignal<BTreeSet<String>>,
    /// (model key, share downloaded 0–1) while a model downloads.
    download: RwSignal<Option<(String, f64)>>,
    loaded: StoredValue<bool>,
}

/// A model's key for favourites and likes: source and id.
fn key(source: &str, id: &str) -> String {
    format!("{source}#{id}")
}

/// Fetches a URL: the response, or why there is none.
async fn fetch(url: &str, timeout_ms: u32) -> Result<Response, String> {
    http::fetch(http::Fetch::get(url, timeout_ms))
        .await
        .map_err(|e| match e {
            NetError::Timeout => format!("no answer within {} s", timeout_ms / 1000),
            NetError::Network => "could not be reached (offline, wrong address, or the host does not allow other pages to read it)".into(),
        })
}

/// The whole body of a response.
async fn body(r: &Response) -> Result<Vec<u8>, String> {
    http::body(r)
        .await
        .ok_or_else(|| "the answer broke off".to_string())
}

/// Fetches and reads a catalog, trying again after a network failure or a server error.
async fn load_catalog(url: &str) -> Result<Catalog, String> {
    let mut last = String::new();
    for attempt in 0..=RETRY_WAITS_MS.len() {
        if attempt > 0 {
            sleep(RETRY_WAITS_MS[attempt - 1]).await;
        }
        match fetch(url, CATALOG_TIMEOUT_MS).await {
            Ok(r) if r.ok() => {
                let bytes = body(&r).await?;
                return catalog::parse(&bytes).map_err(|e| e.to_string());
            }
            Ok(r) if r.status() >= 500 => last = format!("the server answered {}", r.status()),
            Ok(r) => {
                return Err(format!(
                    "the server answered {} (no catalog there)",
                    r.status()
                ));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Downloads a file, reporting the share received.
async fn download(url: &str, size: u64, progress: impl Fn(f64)) -> Result<Vec<u8>, String> {
    let r = fetch(url, 120_000).await?;
    if !r.ok() {
        return Err(format!("the server answered {}", r.status()));
    }
    let limit = size.saturating_mul(2) + 1_000_000;
    http::read_body(&r, limit, |n| {
        progress((n as f64 / size.max(1) as f64).min(1.0))
    })
    .await
    .map_err(|e| match e {
        ReadError::BrokeOff => "the download broke off".to_string(),
        ReadError::TooLarge => "far larger than the catalog says: stopped".to_string(),
    })
}

impl Library {
    pub fn new() -> Library {
        Library {
            open: RwSignal::new(false),
            sources: RwSignal::new(Vec::new()),
            query: RwSignal::new(String::new()),
            sort: RwSignal::new(Sort::Name),
            page: RwSignal::new(0),
            only_favourites: RwSignal::new(false),
            selected: RwSignal::new(None),
            favourites: RwSignal::new(BTreeSet::new()),
            likes: RwSignal::new(BTreeSet::new()),
            download: RwSignal::new(None),
            loaded: StoredValue::new(false),
        }
    }

    /// Reads the user's sources, favourites and likes, and loads every catalog (once).
    fn load(&self) {
        if self.loaded.get_value() {
            return;
        }
        self.loaded.set_value(true);
        let lib = *self;
        spawn_local(async move {
            let mut urls = vec![DEFAULT_SOURCE.to_string()];
            if let Ok(db) = storage::db().await {
                let extra: Vec<String> = db.meta("library-sources").await.unwrap_or_default();
                urls.extend(extra);
                lib.favourites.set(
                    db.meta::<Vec<String>>("library-favourites")
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .collect(),
                );
                lib.likes.set(
                    db.meta::<Vec<String>>("library-likes")
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .collect(),
                );
            }
            for url in urls {
                lib.add_source(url);
            }
        });
    }

    /// Adds a source and loads its catalog.
    fn add_source(&self, url: String) {
        if self
            .sources
            .with_untracked(|all| all.iter().any(|s| s.url == url))
        {
            return;
        }
        let abs = absolute_url(&url);
        self.sources.update(|s| {
            s.push(Source {
                url: url.clone(),
                absolute: abs.clone(),
                state: SourceState::Loading,
            })
        });
        self.fetch_source(url, abs);
    }

    /// Loads a source's catalog again (adding and keeping it if it is not listed yet), after
    /// it changed: the library shows what was just published there.
    pub fn refresh_source(&self, ctx: Ctx, url: String) {
        self.load();
        let listed = self
            .sources
            .with_untracked(|all| all.iter().any(|s| s.url == url));
        if !listed {
            self.add_source(url);
            let list = self.user_sources();
            let lib = *self;
            spawn_local(async move { lib.save_list(ctx, "library-sources", list).await });
            return;
        }
        self.sources.update(|all| {
            if let Some(s) = all.iter_mut().find(|s| s.url == url) {
                s.state = SourceState::Loading;
            }
        });
        self.fetch_source(url.clone(), absolute_url(&url));
    }

    fn fetch_source(&self, url: String, abs: String) {
        let lib = *self;
        spawn_local(async move {
            let state = match load_catalog(&abs).await {
                Ok(c) => SourceState::Ready(c),
                Err(e) => SourceState::Failed(e),
            };
            lib.sources.update(|all| {
                if let Some(s) = all.iter_mut().find(|s| s.url == url) {
                    s.state = state;
                }
            });
        });
    }

    async fn save_list(&self, ctx: Ctx, key: &'static str, list: Vec<String>) {
        let r = storage::run(async { storage::db().await?.set_meta(key, &list).await }).await;
        if let Err(e) = r {
            ctx.say(format!("Not kept: {e}"), true);
        }
    }

    fn user_sources(&self) -> Vec<String> {
        self.sources
            .get_untracked()
            .into_iter()
            .map(|s| s.url)
            .filter(|u| u != DEFAULT_SOURCE)
            .collect()
    }

    fn toggle(&self, ctx: Ctx, set: RwSignal<BTreeSet<String>>, k: String, store: &'static str) {
        set.update(|s| {
            if !s.remove(&k) {
                s.insert(k);
            }
        });
        let list: Vec<String> = set.get_untracked().into_iter().collect();
        let lib = *self;
        spawn_local(async move { lib.save_list(ctx, store, list).await });
    }

    /// Every model of every loaded source: (source URL, catalog, entry).
    fn models(&self) -> Vec<(String, Catalog, Entry)> {
        self.sources.with(|all| {
            all.iter()
                .filter_map(|s| match &s.state {
                    SourceState::Ready(c) => Some((s, c)),
                    _ => None,
                })
                .flat_map(|(s, c)| {
                    c.models
                        .iter()
                        .map(move |m| (s.absolute.clone(), c.clone(), m.clone()))
                })
                .collect()
        })
    }

    /// Downloads (or reads back from the cache) a model's first file and adds it to the bed.
    fn add_to_bed(&self, ctx: Ctx, source: String, m: Entry) {
        let Some(f) = m.files.first().cloned() else {
            return;
        };
        let k = key(&source, &m.id);
        let lib = *self;
        lib.download.set(Some((k.clone(), 0.0)));
        spawn_local(async move {
            let url = catalog::resolve(&source, &f.url);
            let cached = match storage::db().await {
                Ok(db) => db.download(&f.sha256).await,
                Err(_) => None,
            };
            let bytes = match cached {
                Some(b) => Ok(b),
                None => {
                    let k2 = k.clone();
                    download(&url, f.size, move |p| {
                        lib.download.set(Some((k2.clone(), p)))
                    })
                    .await
                }
            };
            let result = bytes.and_then(|b| catalog::check_download(&f, &b).map(|o| (o, b)));
            lib.download.set(None);
            match result {
                Ok((mut objects, bytes)) => {
                    // The plate names a model by the catalog's title, not its file name.
                    let n = objects.len();
                    for (i, o) in objects.iter_mut().enumerate() {
                        o.name = if n == 1 {
                            m.name.clone()
                        } else {
                            format!("{} ({})", m.name, i + 1)
                        };
                    }
                    if let Ok(db) = storage::db().await {
                        // A full disk only loses the cache.
                        let _ = db.put_download(&f.sha256, &bytes).await;
                    }
                    ctx.add_objects(objects);
                    ctx.say(
                        format!("Added {} by {} ({}).", m.name, m.author, m.licence),
                        false,
                    );
                }
                Err(e) => ctx.say(format!("{}: {e}", m.name), true),
            }
        });
    }
}

/// What a model can be marked with in this browser.
#[derive(Clone, Copy)]
enum Mark {
    Favourite,
    Like,
}

/// A button that marks a model as a favourite or liked (kept in this browser).
fn mark(ctx: Ctx, what: Mark, k: String, label: &'static str) -> impl IntoView {
    let lib = ctx.library;
    let (set, store, class, title) = match what {
        Mark::Favourite => (
            lib.favourites,
            "library-favourites",
            "favourite",
            "Favourite (kept in this browser)",
        ),
        Mark::Like => (
            lib.likes,
            "library-likes",
            "like",
            "Likes stay in this browser",
        ),
    };
    let (k2, k2b) = (k.clone(), k.clone());
    view! {
        <button
            class=class
            class:active=move || set.with(|f| f.contains(&k))
            title=title
            aria-label=title
            aria-pressed=move || set.with(|f| f.contains(&k2b)).to_string()
            on:click=move |_| lib.toggle(ctx, set, k2.clone(), store)
        >
            {label}
        </button>
    }
}

/// The "Library" button and its panel.
#[component]
pub fn LibraryPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lib = ctx.library;
    let source_input = RwSignal::new(String::new());
    let shown = Memo::new(move |_| {
        let q = lib.query.get();
        let favs = lib.favourites.get();
        let only = lib.only_favourites.get();
        let all = lib.models();
        let entries: Vec<Entry> = all.iter().map(|(_, _, m)| m.clone()).collect();
        catalog::search(&entries, &q, lib.sort.get())
            .into_iter()
            .map(|i| all[i].clone())
            .filter(|(s, _, e)| !only || favs.contains(&key(s, &e.id)))
            .collect::<Vec<_>>()
    });
    let pages = move || shown.with(|s| s.len().div_ceil(PAGE).max(1));
    let card = move |(source, _c, m): (String, Catalog, Entry)| {
        let k = key(&source, &m.id);
        let thumb = catalog::resolve(&source, &m.thumbnail);
        let (s2, id) = (source.clone(), m.id.clone());
        view! {
            <li class="model-card" data-id=m.id.clone()>
                <button class="model-open" on:click=move |_| lib.selected.set(Some((s2.clone(), id.clone())))>
                    <img src=thumb alt="" width="128" height="128" loading="lazy"/>
                    <span class="model-name">{m.name.clone()}</span>
                    <span class="model-author">{m.author.clone()}</span>
                </button>
                {mark(ctx, Mark::Favourite, k, "★")}
            </li>
        }
    };
    let page_view = move || {
        let (Some((source, id)), all) = (lib.selected.get(), lib.models()) else {
            return None;
        };
        let (_, c, m) = all
            .into_iter()
            .find(|(s, _, m)| *s == source && m.id == id)?;
        let k = key(&source, &m.id);
        let report = catalog::report_url(&c, &m);
        let thumb = catalog::resolve(&source, &m.thumbnail);
        let files = m
            .files
            .iter()
            .map(|f| {
                let name = f.url.rsplit('/').next().unwrap_or(&f.url).to_string();
                view! { <li>{format!("{name} · {}", storage::bytes_text(f.size as f64))}</li> }
            })
            .collect_view();
        let (src, entry) = (source.clone(), m.clone());
        Some(view! {
            <div class="model-page">
                <button class="link model-back" on:click=move |_| lib.selected.set(None)>"← All models"</button>
                <img src=thumb alt="" width="192" height="192"/>
                <h3 class="model-title">{m.name.clone()}</h3>
                <p class="model-meta">{format!("by {} · licence {} · {}", m.author, m.licence, m.created)}</p>
                <p class="model-tags">{m.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")}</p>
                <p class="model-description">{m.description.clone()}</p>
                <ul class="model-files">{files}</ul>
                <div class="print-row">
                    <button
                        class="add-to-bed primary"
                        disabled=move || lib.download.with(|d| d.is_some())
                        on:click=move |_| lib.add_to_bed(ctx, src.clone(), entry.clone())
                    >
                        "Add to bed"
                    </button>
                    {mark(ctx, Mark::Favourite, k.clone(), "★ Favourite")}
                    {mark(ctx, Mark::Like, k, "♥ Like")}
                    {report.map(|r| view! { <a class="report" href=r target="_blank" rel="noopener noreferrer">"Report"</a> })}
                </div>
                {move || {
                    lib.download.get().map(|(_, f)| view! {
                        <div class="job">
                            <progress class="download-progress" max="1" value=f></progress>
                            <span>{format!("Downloading… {:.0}%", 100.0 * f)}</span>
                        </div>
                    })
                }}
            </div>
        })
    };
    view! {
        <button
            id="library-button"
            class:active=move || lib.open.get()
            on:click=move |_| {
                lib.load();
                lib.open.update(|o| *o = !*o);
            }
        >
            "Library"
        </button>
        <Show when=move || lib.open.get()>
            <section class="library-panel" aria-label="Model library">
                <header>
                    <h2>"Model library"</h2>
                    <button class="close" title="Close" aria-label="Close the library" on:click=move |_| lib.open.set(false)>"×"</button>
                </header>
                <Show when=move || lib.selected.get().is_none() fallback=page_view>
                    <div class="library-controls">
                        <input
                            type="search"
                            id="library-search"
                            aria-label="Search the library"
                            placeholder="Search name, tag or author"
                            prop:value=move || lib.query.get()
                            on:input=move |ev| {
                                lib.query.set(event_target_value(&ev));
                                lib.page.set(0);
                            }
                        />
                        <select
                            id="library-sort"
                            aria-label="Sort by"
                            on:change=move |ev| {
                                lib.sort.set(match event_target_value(&ev).as_str() {
                                    "newest" => Sort::Newest,
                                    "author" => Sort::Author,
                                    _ => Sort::Name,
                                })
                            }
                        >
                            <option value="name">"Name"</option>
                            <option value="newest">"Newest"</option>
                            <option value="author">"Author"</option>
                        </select>
                        <label class="device-start-label">
                            <input
                                type="checkbox"
                                id="library-favourites-only"
                                prop:checked=move || lib.only_favourites.get()
                                on:change=move |ev| {
                                    lib.only_favourites.set(event_target_checked(&ev));
                                    lib.page.set(0);
                                }
                            />
                            "Favourites"
                        </label>
                    </div>
                    {move || {
                        lib.sources
                            .get()
                            .into_iter()
                            .filter_map(|s| match s.state {
                                SourceState::Failed(e) => Some(view! { <p class="source-error error-text">{format!("{}: {e}", s.url)}</p> }),
                                _ => None,
                            })
                            .collect_view()
                    }}
                    <Show when=move || lib.sources.with(|s| s.iter().any(|s| s.state == SourceState::Loading))>
                        <p class="note">"Loading catalogs…"</p>
                    </Show>
                    <ul class="library-grid">
                        {move || {
                            let page = lib.page.get().min(pages() - 1);
                            shown.get().into_iter().skip(page * PAGE).take(PAGE).map(card).collect_view()
                        }}
                    </ul>
                    <Show when=move || shown.with(|s| s.is_empty()) && lib.sources.with(|s| s.iter().all(|s| s.state != SourceState::Loading))>
                        <p class="note">"No models match."</p>
                    </Show>
                    <div class="library-pages print-row">
                        <button id="library-prev" disabled=move || lib.page.get() == 0 on:click=move |_| lib.page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                        <span id="library-page">{move || format!("Page {} of {}", lib.page.get().min(pages() - 1) + 1, pages())}</span>
                        <button id="library-next" disabled=move || { lib.page.get() + 1 >= pages() } on:click=move |_| lib.page.update(|p| *p += 1)>"Next"</button>
                    </div>
                    <details class="library-sources">
                        <summary>"Sources"</summary>
                        <p class="note">
                            "A source is a catalog.json on any web host (see Lamina's README for the format). Lamina fetches only the catalogs listed here and sends nothing about you."
                        </p>
                        <ul>
                            {move || {
                                lib.sources
                                    .get()
                                    .into_iter()
                                    .map(|s| {
                                        let url = s.url.clone();
                                        let fixed = url == DEFAULT_SOURCE;
                                        view! {
                                            <li class="source">
                                                <span>{if fixed { "Lamina's own models".to_string() } else { url.clone() }}</span>
                                                <Show when=move || !fixed>
                                                    {
                                                        let url = url.clone();
                                                        view! {
                                                            <button
                                                                class="link source-remove"
                                                                on:click=move |_| {
                                                                    let u = url.clone();
                                                                    lib.sources.update(|all| all.retain(|s| s.url != u));
                                                                    let list = lib.user_sources();
                                                                    spawn_local(async move { lib.save_list(ctx, "library-sources", list).await });
                                                                }
                                                            >
                                                                "Remove"
                                                            </button>
                                                        }
                                                    }
                                                </Show>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                        <div class="print-row">
                            <input
                                type="url"
                                id="library-source-url"
                                aria-label="Catalog address"
                                placeholder="https://example.org/models/catalog.json"
                                prop:value=move || source_input.get()
                                on:input=move |ev| source_input.set(event_target_value(&ev))
                            />
                            <button
                                id="library-add-source"
                                on:click=move |_| {
                                    let url = source_input.get_untracked().trim().to_string();
                                    if url.is_empty() || lib.sources.with_untracked(|s| s.iter().any(|s| s.url == url)) {
                                        return;
                                    }
                                    source_input.set(String::new());
                                    lib.add_source(url);
                                    let list = lib.user_sources();
                                    spawn_local(async move { lib.save_list(ctx, "library-sources", list).await });
                                }
                            >
                                "Add source"
                            </button>
                        </div>
                    </details>
                    <super::publish::PublishForm/>
                </Show>
            </section>
        </Show>
    }
}
