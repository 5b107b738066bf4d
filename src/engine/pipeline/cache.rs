//! Re-slicing only what a change reaches, as libslic3r's steps do. The last slice's output is
//! kept stage by stage, and shape by shape for the stages that work on one shape
//! (`SliceGroup`: slices, Assist's check, walls, infill, support).
//!
//! A stage re-runs when a setting it reads changed (each setting names its stage,
//! `SettingDef::stage`) or one of its inputs re-ran (`Stage::inputs`). A shape keeps its own
//! stages while its object's mesh, paint, name, rotation, scale and height stay the same and
//! the layers are the same, however its copies move; moving, adding or removing copies
//! re-runs the skirt, the order of each layer, the plan and the G-code. The result is the
//! same, byte for byte, as slicing from nothing (`tests/reslice.rs` proves it setting by
//! setting).

use super::{
    Infill, Job, Observer, Perimeters, Shared, SliceError, SliceOutput, Sliced, Support,
    check_group, gcode_stage, group_instances, layer_plans, object_settings, order_stage,
    plan_stage, prepare, skirt_stage, slice_group, slice_warnings,
};
use crate::engine::assist::findings::{self, Finding};
use crate::engine::gcode::{LayerMoves, PrintStats};
use crate::engine::model::calibration::HeightChange;
use crate::engine::model::{Object, Scene};
use crate::engine::settings::{Settings, find_def};
use crate::engine::stage::Stage;
use crate::engine::toolpaths::{self, OrderedLayer};
use std::sync::Arc;

/// What the last slice made, for the next one to reuse.
#[derive(Default)]
pub struct Cache {
    kept: Option<Kept>,
}

struct Kept {
    /// The scene's objects as they were sliced (meshes shared, not copied).
    objects: Vec<Object>,
    /// The scene's height changes.
    changes: Vec<HeightChange>,
    /// The effective settings.
    settings: Settings,
    /// Each object's settings (its own on top of `settings`).
    object_settings: Vec<Settings>,
    presets: Vec<(String, String)>,
    checks: bool,
    sliced: Sliced,
    /// Assist's findings, per shape.
    findings: Vec<Vec<Finding>>,
    perimeters: Perimeters,
    infill: Infill,
    support: Support,
    shared: Shared,
    ordered: Vec<OrderedLayer>,
    layers: Vec<LayerMoves>,
    gcode: String,
    stats: PrintStats,
}

/// Which stages re-run: `dirty[stage]` for those whose settings changed, spread to every
/// stage that reads a re-run one.
fn spread(dirty: &mut [bool; Stage::ALL.len()]) {
    loop {
        let mut changed = false;
        for s in Stage::ALL {
            if !dirty[s as usize] && s.inputs().iter().any(|i| dirty[*i as usize]) {
                dirty[s as usize] = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The same shape to slice: everything of the object that slicing reads except where its
/// copies stand.
fn same_shape(a: &Object, b: &Object) -> bool {
    a.name == b.name
        && (Arc::ptr_eq(&a.mesh, &b.mesh) || a.mesh == b.mesh)
        && a.support_paint == b.support_paint
        && a.seam_paint == b.seam_paint
        && a.volumes == b.volumes
}

/// Moves one shape's kept output out of a per-shape list.
fn take<T: Default>(list: &mut [T], j: Option<usize>) -> T {
    j.map(|j| std::mem::take(&mut list[j])).unwrap_or_default()
}

impl Cache {
    /// Slices, re-using what the last slice made where the change does not reach, and keeps
    /// the result for the next. The observer hears of each stage that runs and may cancel
    /// between them; a failed or cancelled slice leaves the cache empty.
    pub fn slice(
        &mut self,
        scene: &Scene,
        settings: &Settings,
        presets: &[(String, String)],
        obs: &mut dyn Observer,
    ) -> Result<SliceOutput, SliceError> {
        self.run(scene, settings, presets, obs, true)
    }

    /// Slices once, keeping nothing.
    pub fn slice_once(
        scene: &Scene,
        settings: &Settings,
        presets: &[(String, String)],
        obs: &mut dyn Observer,
    ) -> Result<SliceOutput, SliceError> {
        Cache::default().run(scene, settings, presets, obs, false)
    }

    fn run(
        &mut self,
        scene: &Scene,
        settings: &Settings,
        presets: &[(String, String)],
        obs: &mut dyn Observer,
        keep: bool,
    ) -> Result<SliceOutput, SliceError> {
        let settings = &settings.effective();
        let job = Job {
            scene,
            settings,
            presets,
        };
        let mut old = self.kept.take();
        let mut marks: Vec<(Stage, f64)> = Vec::new();
        let mut mark = |obs: &mut dyn Observer, stage: Stage| -> Result<(), SliceError> {
            marks.push((stage, obs.now()));
            if obs.stage(stage) {
                Ok(())
            } else {
                Err(SliceError::Cancelled)
            }
        };
        let mut warnings = prepare(&job)?;
        let object_settings = object_settings(&job)?;
        let plans = layer_plans(&job)?;
        let groups = group_instances(scene);
        let checks = obs.checks();

        // What changed since the last slice.
        const N: usize = Stage::ALL.len();
        if old.as_ref().is_some_and(|k| {
            k.sliced.plan != plans.objects
                || k.sliced.raft_plan != plans.raft
                || k.sliced.print_plan != plans.print
        }) {
            old = None;
        }
        let mut dirty = [old.is_none(); N];
        if let Some(k) = &old {
            for key in settings.diff(&k.settings) {
                if let Some(def) = find_def(key) {
                    dirty[def.stage as usize] = true;
                }
            }
            if checks && !k.checks {
                dirty[Stage::Check as usize] = true;
            }
            if presets != k.presets || scene.changes != k.changes {
                dirty[Stage::Gcode as usize] = true;
            }
        }
        // The kept shape each new shape takes its output from.
        let mut taken = vec![false; old.as_ref().map_or(0, |k| k.sliced.groups.len())];
        let matched: Vec<Option<usize>> = groups
            .iter()
            .map(|g| {
                let k = old.as_ref()?;
                let j = (0..taken.len()).find(|&j| {
                    let kg = &k.sliced.groups[j];
                    !taken[j]
                        && kg.transform == g.transform
                        && same_shape(&scene.objects[g.object], &k.objects[kg.object])
                })?;
                taken[j] = true;
                Some(j)
            })
            .collect();
        let same_layout = old.as_ref().is_some_and(|k| {
            k.sliced.groups == groups
                && matched.iter().enumerate().all(|(i, j)| *j == Some(i))
                && scene.objects.len() == k.objects.len()
        });
        if !same_layout {
            for s in [Stage::Skirt, Stage::Order, Stage::Gcode] {
                dirty[s as usize] = true;
            }
        }
        spread(&mut dirty);
        // Per shape: a new shape runs every stage; a kept one, the stages its object's own
        // settings reach besides.
        let fresh: Vec<[bool; N]> = matched
            .iter()
            .zip(&groups)
            .map(|(j, g)| {
                let (Some(j), Some(k)) = (j, &old) else {
                    return [true; N];
                };
                let mut d = dirty;
                let was = k.sliced.groups[*j].object;
                // Without values of its own, then and now, it changed as the plate did.
                if scene.objects[g.object].settings.is_empty() && k.objects[was].settings.is_empty()
                {
                    return d;
                }
                for key in object_settings[g.object].diff(&k.object_settings[was]) {
                    if let Some(def) = find_def(key) {
                        d[def.stage as usize] = true;
                    }
                }
                spread(&mut d);
                d
            })
            .collect();
        let any = |s: Stage| fresh.iter().any(|f| f[s as usize]);
        for s in Stage::ALL {
            if any(s) {
                dirty[s as usize] = true;
            }
        }
        spread(&mut dirty);
        let run = |i: usize, s: Stage| fresh[i][s as usize];
        // A shape's settings: its object's.
        let group_objects: Vec<usize> = groups.iter().map(|g| g.object).collect();
        let of = |i: usize| &object_settings[group_objects[i]];

        let mut k = old.unwrap_or_else(|| Kept::empty(settings));
        if any(Stage::Slice) {
            mark(obs, Stage::Slice)?;
        }
        let objects = (0..groups.len())
            .map(|i| {
                if run(i, Stage::Slice) {
                    slice_group(&job, &groups[i], &plans.objects, of(i))
                } else {
                    take(&mut k.sliced.objects, matched[i])
                }
            })
            .collect();
        let sliced = Sliced {
            groups,
            plan: plans.objects,
            raft_plan: plans.raft,
            print_plan: plans.print,
            objects,
        };
        let n = sliced.groups.len();
        if checks && any(Stage::Check) {
            mark(obs, Stage::Check)?;
        }
        let shape_findings: Vec<Vec<Finding>> = (0..n)
            .map(|i| match checks {
                false => Vec::new(),
                true if run(i, Stage::Check) => check_group(&job, &sliced, i, of(i)),
                true => take(&mut k.findings, matched[i]),
            })
            .collect();
        if any(Stage::Perimeters) {
            mark(obs, Stage::Perimeters)?;
        }
        let perimeters = Perimeters(
            (0..n)
                .map(|i| match run(i, Stage::Perimeters) {
                    true => toolpaths::walls(&sliced.objects[i], &sliced.plan, of(i)),
                    false => take(&mut k.perimeters.0, matched[i]),
                })
                .collect(),
        );
        if any(Stage::Infill) {
            mark(obs, Stage::Infill)?;
        }
        let infill = Infill(
            (0..n)
                .map(|i| match run(i, Stage::Infill) {
                    true => {
                        toolpaths::infill(&perimeters.0[i], &sliced.objects[i], &sliced.plan, of(i))
                    }
                    false => take(&mut k.infill.0, matched[i]),
                })
                .collect(),
        );
        if any(Stage::Support) {
            mark(obs, Stage::Support)?;
        }
        let support = Support(
            (0..n)
                .map(|i| match run(i, Stage::Support) {
                    true => toolpaths::support(&sliced.objects[i], &sliced.plan, of(i)),
                    false => take(&mut k.support.0, matched[i]),
                })
                .collect(),
        );
        let again = |s: Stage| dirty[s as usize];
        if again(Stage::Skirt) {
            mark(obs, Stage::Skirt)?;
            k.shared = skirt_stage(&job, &sliced);
        }
        if again(Stage::Order) {
            mark(obs, Stage::Order)?;
            k.ordered = order_stage(
                &job,
                &object_settings,
                &sliced,
                &perimeters,
                &infill,
                &support,
                &k.shared,
            );
        }
        if again(Stage::Plan) {
            mark(obs, Stage::Plan)?;
            k.layers = plan_stage(&job, &object_settings, &sliced, &k.ordered);
        }
        if again(Stage::Gcode) {
            mark(obs, Stage::Gcode)?;
            (k.gcode, k.stats) = gcode_stage(&job, &k.layers)?;
        }
        let mut found: Vec<Finding> = shape_findings.iter().flatten().cloned().collect();
        if checks {
            found.extend(findings::layer_times(&k.stats.layer_times, settings));
        }
        found.sort_by_key(|f| (f.worst, f.kind as u8));
        let end = obs.now();
        // Start marks become durations.
        let timings = marks
            .iter()
            .enumerate()
            .map(|(m, (stage, t))| {
                let next = marks.get(m + 1).map_or(end, |x| x.1);
                (*stage, (next - t).max(0.0))
            })
            .collect();
        warnings.extend(slice_warnings(&job, &sliced));
        let (gcode, layers) = if keep {
            (k.gcode.clone(), k.layers.clone())
        } else {
            (std::mem::take(&mut k.gcode), std::mem::take(&mut k.layers))
        };
        let out = SliceOutput {
            gcode,
            stats: k.stats.clone(),
            timings,
            warnings,
            layers,
            findings: found,
        };
        if keep {
            self.kept = Some(Kept {
                objects: scene.objects.clone(),
                changes: scene.changes.clone(),
                settings: settings.clone(),
                object_settings,
                presets: presets.to_vec(),
                checks,
                sliced,
                findings: shape_findings,
                perimeters,
                infill,
                support,
                ..k
            });
        }
        Ok(out)
    }
}

impl Kept {
    fn empty(settings: &Settings) -> Kept {
        Kept {
            objects: Vec::new(),
            changes: Vec::new(),
            settings: settings.clone(),
            object_settings: Vec::new(),
            presets: Vec::new(),
            checks: false,
            sliced: Sliced {
                groups: Vec::new(),
                plan: Vec::new(),
                raft_plan: Vec::new(),
                print_plan: Vec::new(),
                objects: Vec::new(),
            },
            findings: Vec::new(),
            perimeters: Perimeters(Vec::new()),
            infill: Infill(Vec::new()),
            support: Support(Vec::new()),
            shared: Shared(Vec::new()),
            ordered: Vec::new(),
            layers: Vec::new(),
            gcode: String::new(),
            stats: PrintStats::default(),
        }
    }
}
