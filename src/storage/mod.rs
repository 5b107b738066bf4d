//! Projects, user presets and G-code history in the browser's IndexedDB (through rexie).
//!
//! Stores (database `lamina`, version `DB_VERSION`):
//! - `meshes`: mesh bytes (`Mesh::to_bytes`) keyed by their content hash, written once and
//!   shared by copies, projects and duplicates;
//! - `projects`: one record per project (name, times, size, thumbnail, and the document: the
//!   chosen presets, the user's values and the objects with their placement), keyed by id;
//! - `gcode`: the last few slices of each project, keyed `project/sequence`;
//! - `presets`: the user's own presets, keyed by id;
//! - `devices`: network printers (kind, address and API key), keyed by id (since version 2);
//! - `downloads`: model files fetched from the library, keyed by their sha256 (since 3);
//! - `meta`: small values such as the project that was open last, recent printer
//!   addresses, library sources, favourites and likes.
//!
//! A save writes the meshes first and then the project record in one put: until that put
//! commits, the previous record stays whole, so a closed tab or a full disk never leaves a
//! half-written project. Meshes no project uses any more are removed at start.

use crate::engine::gcode::PrintStats;
use crate::engine::mesh::{Mesh, RepairReport};
use crate::engine::model::calibration::HeightChange;
use crate::engine::model::{Markup, Object, Scene};
use crate::engine::printer::lan::{self, Kind};
use crate::engine::settings::{Choice, Preset};
use crate::worker::{instances, placements};
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const DB_NAME: &str = "lamina";
/// Bump when stores change; `open` declares them all, and rexie adds new ones on upgrade.
const DB_VERSION: u32 = 3;
/// The project document's format; older documents are upgraded in `ProjectDoc::upgrade`.
const DOC_FORMAT: u32 = 1;
/// Slices kept per project.
pub const GCODE_KEPT: usize = 5;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    #[error(
        "the browser's storage for Lamina is full ({}): delete projects or old G-code you no longer need, then it saves again. What was saved before is kept.",
        usage_text(*used, *quota)
    )]
    Full { used: f64, quota: f64 },
    #[error(
        "this browser does not let Lamina store projects ({0}); your work stays until the tab closes"
    )]
    Unavailable(String),
    #[error("saved by a newer version of Lamina (format {0}): reload to update Lamina")]
    Newer(u32),
    #[error("no project '{0}'")]
    Missing(String),
    #[error("storage failed: {0}")]
    Failed(String),
}

fn usage_text(used: f64, quota: f64) -> String {
    if quota > 0.0 {
        format!("{} of {} used", bytes_text(used), bytes_text(quota))
    } else {
        "no space left".into()
    }
}

/// A size for people: kB, MB or GB.
pub fn bytes_text(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e5 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", (b / 1e3).max(1.0))
    }
}

type Result<T> = std::result::Result<T, StorageError>;

/// Turns rexie's errors into ours, telling a full disk apart.
fn failed(e: rexie::Error) -> StorageError {
    let text = match &e {
        rexie::Error::IdbError(inner) => inner.to_string(),
        other => other.to_string(),
    };
    if text.contains("QuotaExceeded") || text.to_ascii_lowercase().contains("quota") {
        StorageError::Full {
            used: 0.0,
            quota: 0.0,
        }
    } else {
        StorageError::Failed(text)
    }
}

/// A full-disk error with the figures filled in.
async fn with_usage(e: StorageError) -> StorageError {
    match e {
        StorageError::Full { .. } => match estimate().await {
            Some((used, quota)) => StorageError::Full { used, quota },
            None => e,
        },
        other => other,
    }
}

fn js(e: impl std::fmt::Display) -> StorageError {
    StorageError::Failed(e.to_string())
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js)
}

fn from_js<T: for<'de> Deserialize<'de>>(v: JsValue) -> Result<T> {
    serde_wasm_bindgen::from_value(v).map_err(js)
}

/// One object of a stored project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredObject {
    pub name: String,
    /// Key in the `meshes` store.
    pub mesh: String,
    pub repair: RepairReport,
    pub instances: Vec<[f64; 12]>,
    /// Support paint and volumes.
    #[serde(default)]
    pub markup: Markup,
}

/// What a project holds besides its meshes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectDoc {
    pub format: u32,
    pub printer: String,
    pub filament: String,
    pub process: String,
    pub overrides: BTreeMap<String, String>,
    pub objects: Vec<StoredObject>,
    /// Values that change from a height up (a calibration's bands).
    #[serde(default)]
    pub changes: Vec<HeightChange>,
}

impl ProjectDoc {
    /// Brings a document of an older format up to date (format 1 is the first).
    fn upgrade(self) -> Result<ProjectDoc> {
        match self.format {
            f if f > DOC_FORMAT => Err(StorageError::Newer(f)),
            _ => Ok(ProjectDoc {
                format: DOC_FORMAT,
                ..self
            }),
        }
    }
}

/// A project as listed: everything but the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectMeta {
    pub id: String,
    pub name: String,
    /// Milliseconds since 1970.
    pub created: f64,
    pub modified: f64,
    /// Bytes of its meshes and document.
    pub size: f64,
    /// A small PNG of the plate, as a data URL.
    pub thumbnail: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ProjectRecord {
    #[serde(flatten)]
    meta: ProjectMeta,
    doc: ProjectDoc,
}

/// A project read back.
pub struct LoadedProject {
    pub meta: ProjectMeta,
    pub scene: Scene,
    pub choice: Choice,
    pub overrides: BTreeMap<String, String>,
}

/// A network printer. Its API key stays in this browser and goes only to its own address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// Base URL, from `lan::normalize_address`.
    pub address: String,
    pub key: String,
    pub added: f64,
    /// The status socket's port, for kinds that push their status (default: the kind's own).
    #[serde(default)]
    pub socket_port: Option<u16>,
}

/// Recent printer addresses kept.
const RECENT_ADDRESSES: usize = 8;

/// A stored slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GcodeEntry {
    /// Key in the `gcode` store.
    pub key: String,
    pub project: String,
    pub seq: u32,
    pub created: f64,
    pub file_name: String,
    pub stats: PrintStats,
    /// "printer · filament · process", and how many values the user changed.
    pub presets: String,
    pub changed: usize,
}

pub struct Db {
    db: Rexie,
    /// Mesh keys known to be stored, so saves skip the lookup.
    stored: RefCell<HashSet<String>>,
    /// Keys of meshes already hashed this session, by mesh address.
    keys: RefCell<BTreeMap<usize, (Arc<Mesh>, String)>>,
}

thread_local! {
    static DB: RefCell<Option<Rc<Db>>> = const { RefCell::new(None) };
}

/// The database, opened on first use.
pub async fn db() -> Result<Rc<Db>> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Rexie::builder(DB_NAME)
        .version(DB_VERSION)
        .add_object_store(ObjectStore::new("meshes"))
        .add_object_store(ObjectStore::new("projects").key_path("id"))
        .add_object_store(ObjectStore::new("gcode").key_path("key"))
        .add_object_store(ObjectStore::new("presets").key_path("id"))
        .add_object_store(ObjectStore::new("devices").key_path("id"))
        .add_object_store(ObjectStore::new("downloads"))
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .map_err(|e| StorageError::Unavailable(failed(e).to_string()))?;
    let db = Rc::new(Db {
        db,
        stored: RefCell::new(HashSet::new()),
        keys: RefCell::new(BTreeMap::new()),
    });
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Bytes used and available to this site, as the browser estimates them.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let e = JsFuture::from(storage.estimate().ok()?).await.ok()?;
    let e: web_sys::StorageEstimate = e.unchecked_into();
    Some((e.get_usage().unwrap_or(0.0), e.get_quota().unwrap_or(0.0)))
}

/// Asks the browser not to evict Lamina's data under storage pressure.
pub async fn persist() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    match storage.persist() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

pub fn now() -> f64 {
    js_sys::Date::now()
}

/// A content key for mesh bytes: two independent hashes and the length.
fn content_key(bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    format!(
        "{:016x}-{:08x}-{}",
        h.finish(),
        crc32fast::hash(bytes),
        bytes.len()
    )
}

impl Db {
    fn transaction(&self, stores: &[&str], write: bool) -> Result<rexie::Transaction> {
        let mode = if write {
            TransactionMode::ReadWrite
        } else {
            TransactionMode::ReadOnly
        };
        self.db.transaction(stores, mode).map_err(failed)
    }

    async fn finish(t: rexie::Transaction) -> Result<()> {
        match t.done().await {
            Ok(r) if r.is_committed() => Ok(()),
            Ok(_) => Err(StorageError::Full {
                used: 0.0,
                quota: 0.0,
            }),
            Err(e) => Err(failed(e)),
        }
    }

    /// Reads one value from a store.
    async fn get_one(&self, store: &str, key: &str) -> Result<Option<JsValue>> {
        let t = self.transaction(&[store], false)?;
        t.store(store)
            .map_err(failed)?
            .get(JsValue::from_str(key))
            .await
            .map_err(failed)
    }

    /// Reads every value of a store (or of a key range in it).
    async fn get_all(&self, store: &str, range: Option<rexie::KeyRange>) -> Result<Vec<JsValue>> {
        let t = self.transaction(&[store], false)?;
        t.store(store)
            .map_err(failed)?
            .get_all(range, None)
            .await
            .map_err(failed)
    }

    /// Writes one value in a transaction of its own.
    async fn put_one(&self, store: &str, value: &JsValue, key: Option<&str>) -> Result<()> {
        let t = self.transaction(&[store], true)?;
        let key = key.map(JsValue::from_str);
        t.store(store)
            .map_err(failed)?
            .put(value, key.as_ref())
            .await
            .map_err(failed)?;
        Self::finish(t).await
    }

    /// Deletes one value in a transaction of its own.
    async fn delete_one(&self, store: &str, key: &str) -> Result<()> {
        let t = self.transaction(&[store], true)?;
        t.store(store)
            .map_err(failed)?
            .delete(JsValue::from_str(key))
            .await
            .map_err(failed)?;
        Self::finish(t).await
    }

    /// The key of a mesh, hashing it once per session.
    fn mesh_key(&self, mesh: &Arc<Mesh>) -> (String, Option<Vec<u8>>) {
        let addr = Arc::as_ptr(mesh) as usize;
        if let Some((_, k)) = self.keys.borrow().get(&addr) {
            return (k.clone(), None);
        }
        let bytes = mesh.to_bytes();
        let key = content_key(&bytes);
        // Holding the Arc keeps the address from being reused by another mesh.
        self.keys
            .borrow_mut()
            .insert(addr, (mesh.clone(), key.clone()));
        (key, Some(bytes))
    }

    /// Saves a project: new meshes first, then the record in one put.
    pub async fn save_project(
        &self,
        meta: &ProjectMeta,
        scene: &Scene,
        choice: &Choice,
        overrides: &BTreeMap<String, String>,
    ) -> Result<ProjectMeta> {
        let mut objects = Vec::new();
        let mut new_meshes: Vec<(String, Vec<u8>)> = Vec::new();
        let mut size = 0.0;
        for o in &scene.objects {
            let (key, bytes) = self.mesh_key(&o.mesh);
            size += (8 + o.mesh.vertices.len() * 12 + o.mesh.triangles.len() * 12) as f64;
            if !self.stored.borrow().contains(&key) && !new_meshes.iter().any(|(k, _)| *k == key) {
                let bytes = bytes.unwrap_or_else(|| o.mesh.to_bytes());
                new_meshes.push((key.clone(), bytes));
            }
            objects.push(StoredObject {
                name: o.name.clone(),
                mesh: key,
                repair: o.repair,
                instances: placements(o),
                markup: o.markup(),
            });
        }
        if !new_meshes.is_empty() {
            let t = self.transaction(&["meshes"], true)?;
            let store = t.store("meshes").map_err(failed)?;
            for (key, bytes) in &new_meshes {
                let k = JsValue::from_str(key);
                if !store.key_exists(k.clone()).await.map_err(failed)? {
                    let value = js_sys::Uint8Array::from(&bytes[..]);
                    store.put(&value, Some(&k)).await.map_err(failed)?;
                }
            }
            Self::finish(t).await?;
            self.stored
                .borrow_mut()
                .extend(new_meshes.into_iter().map(|(k, _)| k));
        }
        let doc = ProjectDoc {
            format: DOC_FORMAT,
            printer: choice.printer.clone(),
            filament: choice.filament.clone(),
            process: choice.process.clone(),
            overrides: overrides.clone(),
            objects,
            changes: scene.changes.clone(),
        };
        let doc_size = serde_json::to_string(&doc).map_or(0, |s| s.len()) as f64;
        let meta = ProjectMeta {
            modified: now(),
            size: size + doc_size + meta.thumbnail.as_ref().map_or(0, |t| t.len()) as f64,
            ..meta.clone()
        };
        let record = to_js(&ProjectRecord {
            meta: meta.clone(),
            doc,
        })?;
        let t = self.transaction(&["projects", "meta"], true)?;
        t.store("projects")
            .map_err(failed)?
            .put(&record, None)
            .await
            .map_err(failed)?;
        t.store("meta")
            .map_err(failed)?
            .put(
                &JsValue::from_str(&meta.id),
                Some(&JsValue::from_str("last")),
            )
            .await
            .map_err(failed)?;
        Self::finish(t).await?;
        Ok(meta)
    }

    pub async fn list_projects(&self) -> Result<Vec<ProjectMeta>> {
        // The document is skipped: listing stays cheap however large projects are.
        let mut list: Vec<ProjectMeta> = self
            .get_all("projects", None)
            .await?
            .into_iter()
            .map(from_js)
            .collect::<Result<_>>()?;
        list.sort_by(|a, b| b.modified.total_cmp(&a.modified));
        Ok(list)
    }

    async fn record(&self, id: &str) -> Result<ProjectRecord> {
        let v = self
            .get_one("projects", id)
            .await?
            .ok_or_else(|| StorageError::Missing(id.to_string()))?;
        from_js(v)
    }

    pub async fn load_project(&self, id: &str) -> Result<LoadedProject> {
        let record = self.record(id).await?;
        let doc = record.doc.upgrade()?;
        let t = self.transaction(&["meshes"], false)?;
        let store = t.store("meshes").map_err(failed)?;
        let mut meshes: BTreeMap<String, Arc<Mesh>> = BTreeMap::new();
        let mut objects = Vec::new();
        for o in doc.objects {
            let mesh = match meshes.get(&o.mesh) {
                Some(m) => m.clone(),
                None => {
                    let bytes = store
                        .get(JsValue::from_str(&o.mesh))
                        .await
                        .map_err(failed)?
                        .ok_or_else(|| {
                            StorageError::Failed(format!("the mesh of {} is missing", o.name))
                        })?;
                    let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
                    let mesh = Arc::new(
                        Mesh::from_bytes(&bytes).map_err(|e| js(format!("{}: {e}", o.name)))?,
                    );
                    self.stored.borrow_mut().insert(o.mesh.clone());
                    self.keys
                        .borrow_mut()
                        .insert(Arc::as_ptr(&mesh) as usize, (mesh.clone(), o.mesh.clone()));
                    meshes.insert(o.mesh.clone(), mesh.clone());
                    mesh
                }
            };
            let mut object = Object {
                name: o.name,
                mesh,
                repair: o.repair,
                instances: instances(&o.instances),
                support_paint: Default::default(),
                seam_paint: Default::default(),
                volumes: Vec::new(),
                settings: Default::default(),
            };
            object.set_markup(o.markup);
            objects.push(object);
        }
        Ok(LoadedProject {
            meta: record.meta,
            scene: Scene {
                objects,
                changes: doc.changes,
            },
            choice: Choice {
                printer: doc.printer,
                filament: doc.filament,
                process: doc.process,
            },
            overrides: doc.overrides,
        })
    }

    pub async fn last_project(&self) -> Option<String> {
        self.get_one("meta", "last").await.ok()??.as_string()
    }

    /// Marks the project to reopen on the next start.
    pub async fn set_last(&self, id: &str) -> Result<()> {
        self.put_one("meta", &JsValue::from_str(id), Some("last"))
            .await
    }

    pub async fn rename_project(&self, id: &str, name: &str) -> Result<()> {
        let mut record = self.record(id).await?;
        record.meta.name = name.to_string();
        record.meta.modified = now();
        self.put_record(&record).await
    }

    async fn put_record(&self, record: &ProjectRecord) -> Result<()> {
        self.put_one("projects", &to_js(record)?, None).await
    }

    /// A copy of a project under a new id and name; meshes are shared, not copied.
    pub async fn duplicate_project(&self, id: &str, new_id: &str, name: &str) -> Result<()> {
        let mut record = self.record(id).await?;
        record.meta.id = new_id.to_string();
        record.meta.name = name.to_string();
        record.meta.created = now();
        record.meta.modified = now();
        self.put_record(&record).await
    }

    pub async fn delete_project(&self, id: &str) -> Result<()> {
        let history = self.gcode_history(id).await?;
        let t = self.transaction(&["projects", "gcode"], true)?;
        t.store("projects")
            .map_err(failed)?
            .delete(JsValue::from_str(id))
            .await
            .map_err(failed)?;
        let gcode = t.store("gcode").map_err(failed)?;
        for e in history {
            gcode
                .delete(JsValue::from_str(&e.key))
                .await
                .map_err(failed)?;
        }
        Self::finish(t).await?;
        self.collect_garbage().await
    }

    /// Removes meshes that no project uses.
    pub async fn collect_garbage(&self) -> Result<()> {
        let t = self.transaction(&["projects", "meshes"], true)?;
        let records = t
            .store("projects")
            .map_err(failed)?
            .get_all(None, None)
            .await
            .map_err(failed)?;
        let mut used = HashSet::new();
        for r in records {
            let r: ProjectRecord = from_js(r)?;
            used.extend(r.doc.objects.into_iter().map(|o| o.mesh));
        }
        let meshes = t.store("meshes").map_err(failed)?;
        let keys = meshes.get_all_keys(None, None).await.map_err(failed)?;
        for k in keys {
            if let Some(key) = k.as_string()
                && !used.contains(&key)
            {
                meshes.delete(k).await.map_err(failed)?;
                self.stored.borrow_mut().remove(&key);
            }
        }
        Self::finish(t).await
    }

    pub async fn user_presets(&self) -> Result<Vec<Preset>> {
        let all = self.get_all("presets", None).await?;
        let mut out: Vec<Preset> = all.into_iter().map(from_js).collect::<Result<_>>()?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub async fn put_preset(&self, p: &Preset) -> Result<()> {
        self.put_one("presets", &to_js(p)?, None).await
    }

    pub async fn delete_preset(&self, id: &str) -> Result<()> {
        self.delete_one("presets", id).await
    }

    /// The network printers, in the order they were added.
    pub async fn devices(&self) -> Result<Vec<Device>> {
        let all = self.get_all("devices", None).await?;
        let mut out: Vec<Device> = all.into_iter().map(from_js).collect::<Result<_>>()?;
        out.sort_by(|a, b| a.added.total_cmp(&b.added));
        Ok(out)
    }

    /// Stores a printer and puts its address first among the recent ones.
    pub async fn put_device(&self, d: &Device) -> Result<()> {
        self.put_one("devices", &to_js(d)?, None).await?;
        let mut recent = self.recent_addresses().await;
        lan::remember(&mut recent, &d.address, RECENT_ADDRESSES);
        self.put_one("meta", &to_js(&recent)?, Some("recent-addresses"))
            .await
    }

    pub async fn delete_device(&self, id: &str) -> Result<()> {
        self.delete_one("devices", id).await
    }

    /// A small value kept under `key` in `meta`.
    pub async fn meta<T: for<'de> Deserialize<'de>>(&self, key: &str) -> Option<T> {
        from_js(self.get_one("meta", key).await.ok()??).ok()
    }

    pub async fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        self.put_one("meta", &to_js(value)?, Some(key)).await
    }

    /// A library download kept before, by its sha256.
    pub async fn download(&self, sha256: &str) -> Option<Vec<u8>> {
        let v = self.get_one("downloads", sha256).await.ok()??;
        v.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec())
    }

    pub async fn put_download(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let value = js_sys::Uint8Array::from(bytes);
        self.put_one("downloads", &value, Some(sha256)).await
    }

    /// Printer addresses used before, newest first (kept when a printer is removed).
    pub async fn recent_addresses(&self) -> Vec<String> {
        match self.get_one("meta", "recent-addresses").await {
            Ok(Some(v)) => from_js(v).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Stored slices of a project, newest first.
    pub async fn gcode_history(&self, project: &str) -> Result<Vec<GcodeEntry>> {
        let range = rexie::KeyRange::bound(
            &JsValue::from_str(&format!("{project}/")),
            &JsValue::from_str(&format!("{project}/\u{ffff}")),
            Some(false),
            Some(false),
        )
        .map_err(js)?;
        let all = self.get_all("gcode", Some(range)).await?;
        let mut out: Vec<GcodeEntry> = all.into_iter().map(from_js).collect::<Result<_>>()?;
        out.sort_by_key(|e| std::cmp::Reverse(e.seq));
        Ok(out)
    }

    /// Keeps a slice with the project, dropping the oldest beyond `GCODE_KEPT`.
    pub async fn add_gcode(
        &self,
        mut entry: GcodeEntry,
        gcode: &js_sys::Uint8Array,
    ) -> Result<GcodeEntry> {
        let history = self.gcode_history(&entry.project).await?;
        entry.seq = history.first().map_or(1, |e| e.seq + 1);
        entry.key = format!("{}/{:08}", entry.project, entry.seq);
        let value = to_js(&entry)?;
        js_sys::Reflect::set(&value, &"gcode".into(), gcode).map_err(|e| js(format!("{e:?}")))?;
        let t = self.transaction(&["gcode"], true)?;
        let store = t.store("gcode").map_err(failed)?;
        store.put(&value, None).await.map_err(failed)?;
        for old in history.iter().skip(GCODE_KEPT - 1) {
            store
                .delete(JsValue::from_str(&old.key))
                .await
                .map_err(failed)?;
        }
        Self::finish(t).await?;
        Ok(entry)
    }

    pub async fn gcode_bytes(&self, key: &str) -> Result<js_sys::Uint8Array> {
        let v = self
            .get_one("gcode", key)
            .await?
            .ok_or_else(|| StorageError::Missing(key.to_string()))?;
        let bytes = js_sys::Reflect::get(&v, &"gcode".into()).map_err(|e| js(format!("{e:?}")))?;
        Ok(bytes.unchecked_into())
    }
}

/// Runs a storage step, filling in the usage figures when the disk is full.
pub async fn run<T>(f: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    match f.await {
        Ok(v) => Ok(v),
        Err(e) => Err(with_usage(e).await),
    }
}
