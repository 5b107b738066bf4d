//! Assist: the print helpers, switched on and off in the title bar (off hides every one of
//! them). Auto-orientation of the selected model (the best three poses with their scores,
//! applied with one click, undoable), setting advice with reasons and Apply, the findings of
//! the last slice pointing at their layers in the preview, and troubleshooting by symptom,
//! saved as the user's own presets. Everything runs in this tab (`engine::assist`,
//! `engine::model::orient`); nothing is uploaded.

use super::browser::now_ms;
use super::{Ctx, ViewMode, settings_panel};
use crate::engine::assist::advice::{self, Advice};
use crate::engine::assist::troubleshoot::{self, Symptom};
use crate::engine::assist::{Change, findings::Finding};
use crate::engine::model::orient::{self, Pose};
use crate::storage;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The poses found for one copy: (object, copy), best first, and how it stands now.
type Found = ((usize, usize), Vec<Pose>, Pose);

#[derive(Clone, Copy)]
pub struct Assist {
    pub on: RwSignal<bool>,
    /// Poses for (object, copy), best first, and the pose as it stands now.
    poses: RwSignal<Option<Found>>,
    /// How long the last orientation search took (ms).
    orient_ms: RwSignal<f64>,
    advice: RwSignal<Option<Vec<Advice>>>,
    symptom: RwSignal<Option<Symptom>>,
}

impl Assist {
    pub fn new() -> Assist {
        Assist {
            on: RwSignal::new(true),
            poses: RwSignal::new(None),
            orient_ms: RwSignal::new(0.0),
            advice: RwSignal::new(None),
            symptom: RwSignal::new(None),
        }
    }

    /// Reads whether the user switched Assist off last time.
    pub fn load(&self) {
        let on = self.on;
        spawn_local(async move {
            if let Ok(db) = storage::db().await
                && let Some(v) = db.meta::<bool>("assist").await
            {
                on.set(v);
            }
        });
    }

    fn set(&self, ctx: Ctx, v: bool) {
        self.on.set(v);
        spawn_local(async move {
            let r = storage::run(async { storage::db().await?.set_meta("assist", &v).await }).await;
            if let Err(e) = r {
                ctx.say(format!("Not kept: {e}"), true);
            }
        });
    }
}

/// Applies changes as the user's values, each checked like a typed one.
fn apply_changes(ctx: Ctx, changes: &[Change]) {
    for c in changes {
        if let Err(e) = settings_panel::set_value(ctx, c.key.name(), &c.value) {
            ctx.say(format!("Not applied: {}: {e}", c.key), true);
        }
    }
}

fn change_text(ctx: Ctx, c: &Change) -> String {
    let label = c.key.def().label;
    let now = ctx
        .settings
        .with_untracked(|s| s.as_ref().ok().map(|s| s.value(c.key)))
        .unwrap_or_default();
    let say = |v: &str| match v {
        "true" => "on".to_string(),
        "false" => "off".to_string(),
        v => v.to_string(),
    };
    format!("{label}: {} → {}", say(&now), say(&c.value))
}

/// The title bar's switch.
#[component]
pub fn AssistToggle() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let a = ctx.assist;
    view! {
        <button
            id="assist-toggle"
            class:active=move || a.on.get()
            aria-pressed=move || a.on.get().to_string()
            title="Assist: orientation, setting advice, checks after slicing and troubleshooting, all worked out on this device"
            on:click=move |_| a.set(ctx, !a.on.get_untracked())
        >
            {move || if a.on.get() { "Assist on" } else { "Assist off" }}
        </button>
    }
}

/// Where a copy would stand turned by `rotation` (about its centre, on the bed).
fn posed(ctx: &Ctx, (o, i): (usize, usize), rotation: glam::DMat3) -> Option<glam::DAffine3> {
    let mut one = crate::engine::model::Scene {
        objects: vec![ctx.scene.with_untracked(|s| s.objects.get(o).cloned())?],
        ..Default::default()
    };
    one.objects[0].instances.get(i)?;
    one.rotate_instance(0, i, rotation);
    Some(one.objects[0].instances[i].transform)
}

/// The helpers, in the left column while Assist is on.
#[component]
pub fn AssistPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let a = ctx.assist;
    // Anything found is stale once the scene or settings change.
    Effect::new(move |prev: Option<()>| {
        ctx.scene.track();
        ctx.settings.track();
        if prev.is_some() {
            a.advice.set(None);
        }
    });
    Effect::new(move |prev: Option<()>| {
        ctx.scene.track();
        if prev.is_some() {
            a.poses.set(None);
            ctx.pose_preview.set(None);
        }
    });
    let target = move || {
        ctx.selected.get().or_else(|| {
            ctx.scene.with(|s| {
                (s.objects.len() == 1 && !s.objects[0].instances.is_empty()).then_some((0, 0))
            })
        })
    };
    let orient = move |_| {
        let Some((o, i)) = target() else { return };
        let threshold = ctx
            .settings
            .with_untracked(|s| s.as_ref().map_or(45.0, |s| s.support_material_threshold));
        let started = now_ms();
        let found = ctx.scene.with_untracked(|s| {
            let ob = s.objects.get(o)?;
            let t = ob.instances.get(i)?.transform;
            let mesh = ob.mesh.transformed(&glam::DAffine3::from_mat3(t.matrix3));
            let now = orient::score(&mesh, glam::DMat3::IDENTITY, threshold);
            Some((orient::best(&mesh, threshold, 3), now))
        });
        a.orient_ms.set(now_ms() - started);
        if let Some((poses, now)) = found {
            a.poses.set(Some(((o, i), poses, now)));
        }
    };
    let check = move |_| {
        let Ok(s) = ctx.settings.get_untracked() else {
            ctx.say("Fix the settings marked in red first.", true);
            return;
        };
        // Measuring a large model takes a moment: say so first.
        ctx.busy.set(Some("Checking the models…".into()));
        spawn_local(async move {
            super::browser::next_frame().await;
            let list = ctx.scene.with_untracked(|scene| advice::advise(scene, &s));
            a.advice.set(Some(list));
            ctx.busy.set(None);
        });
    };
    let pose_row = move |(k, p, now): (usize, Pose, Pose)| {
        let (o, i) = a
            .poses
            .with_untracked(|x| x.as_ref().map_or((0, 0), |x| x.0));
        let same = (p.rotation - glam::DMat3::IDENTITY)
            .abs()
            .to_cols_array()
            .iter()
            .all(|v| *v < 1e-6);
        // Pointing at a pose (or giving it focus) shows it on the plate.
        let show = move |on: bool| {
            let pose = on.then(|| posed(&ctx, (o, i), p.rotation)).flatten();
            ctx.pose_preview.set(pose.map(|t| ((o, i), t)));
        };
        view! {
            <li
                class="orient-option"
                on:mouseenter=move |_| show(!same)
                on:mouseleave=move |_| show(false)
                on:focusin=move |_| show(!same)
                on:focusout=move |_| show(false)
            >
                <span class="orient-score">
                    {format!(
                        "{}. overhanging surface {:.0} mm² · on the bed {:.0} mm² · height {:.0} mm · score {:.0}{}",
                        k + 1, p.overhang, p.contact, p.height, p.score,
                        if same { " (as it stands)" } else { "" }
                    )}
                </span>
                <button
                    class="orient-apply"
                    disabled=same
                    on:click=move |_| {
                        ctx.pose_preview.set(None);
                        ctx.edit(|s| s.rotate_instance(o, i, p.rotation));
                        ctx.say(
                            format!(
                                "Turned: overhanging surface {:.0} → {:.0} mm², height {:.0} → {:.0} mm (Undo turns it back).",
                                now.overhang, p.overhang, now.height, p.height
                            ),
                            false,
                        );
                    }
                >
                    "Apply"
                </button>
            </li>
        }
    };
    let advice_row = move |adv: Advice| {
        let changes = adv.changes.clone();
        let text: Vec<String> = adv.changes.iter().map(|c| change_text(ctx, c)).collect();
        view! {
            <li class="advice" data-rule=adv.rule.clone()>
                <strong>{adv.title.clone()}</strong>
                <p class="advice-reason">{adv.reason.clone()}</p>
                <p class="advice-changes note">{text.join(" · ")}</p>
                <button
                    class="advice-apply"
                    on:click=move |_| {
                        apply_changes(ctx, &changes);
                        // Ask again with the new settings.
                        if let Ok(s) = ctx.settings.get_untracked() {
                            let list = ctx.scene.with_untracked(|scene| advice::advise(scene, &s));
                            a.advice.set(Some(list));
                        }
                    }
                >
                    "Apply"
                </button>
            </li>
        }
    };
    let finding_row = move |f: Finding| {
        let worst = f.worst;
        view! {
            <li class="finding" data-kind=format!("{:?}", f.kind)>
                <span>{f.text.clone()}</span>
                <button
                    class="link finding-show"
                    on:click=move |_| {
                        ctx.mode.set(ViewMode::Preview);
                        ctx.slicing.lo.set(0);
                        ctx.slicing.hi.set(worst);
                    }
                >
                    {format!("Show layer {}", worst + 1)}
                </button>
            </li>
        }
    };
    let remedies = move || {
        let sym = a.symptom.get()?;
        let s = ctx.settings.get().ok()?;
        Some((sym, troubleshoot::remedies(sym, &s)))
    };
    let save_fix = move |_| {
        let Some((sym, list)) = remedies() else {
            return;
        };
        let changes: Vec<Change> = list.into_iter().map(|r| r.change).collect();
        apply_changes(ctx, &changes);
        settings_panel::save_as_presets(ctx, &format!("against {}", sym.id().replace('-', " ")));
        a.symptom.set(None);
    };
    view! {
        <Show when=move || a.on.get()>
            <section class="assist-panel panel" id="assist-panel" aria-label="Assist">
                <h2>"Assist"</h2>
                <p class="note assist-privacy">
                    "Assist works on this device: your models, settings and prints are not uploaded anywhere."
                </p>
                <h3>"Orientation"</h3>
                <button id="assist-orient" disabled=move || target().is_none() on:click=orient>
                    "Find the best orientation"
                </button>
                <Show when=move || target().is_none()>
                    <p class="note">"Select a model first."</p>
                </Show>
                {move || {
                    a.poses.get().map(|(_, poses, now)| {
                        view! {
                            <ol class="orient-options" data-ms=format!("{:.0}", a.orient_ms.get())>
                                {poses.into_iter().enumerate().map(|(k, p)| pose_row((k, p, now))).collect_view()}
                            </ol>
                            <p class="note">
                                {format!("Now: overhanging surface {:.0} mm², height {:.0} mm. Lower scores are better: the overhanging surface counts most, then height (time), and contact with the bed helps. Point at a pose to see it on the plate.", now.overhang, now.height)}
                            </p>
                            <p class="note orient-why">
                                "The overhanging surface is the model's own surface that faces down more steeply than the support threshold, bridges and faces over other parts of the model included. Advice and the checks after slicing count the area printed over air with bridges apart, layer by layer, so their figure is smaller."
                            </p>
                        }
                    })
                }}
                <h3>"Advice"</h3>
                <button id="assist-check" on:click=check>"Check the model and settings"</button>
                {move || {
                    a.advice.get().map(|list| {
                        if list.is_empty() {
                            view! { <p class="note advice-none">"Nothing to change: these settings suit the models."</p> }.into_any()
                        } else {
                            view! { <ul class="advice-list">{list.into_iter().map(advice_row).collect_view()}</ul> }.into_any()
                        }
                    })
                }}
                {move || {
                    ctx.slicing.result.get().map(|r| {
                        let list = r.findings;
                        view! {
                            <h3>"After slicing"</h3>
                            {match list {
                                None => view! { <p class="note">"Slice again to check the layers (Assist was off)."</p> }.into_any(),
                                Some(list) => if list.is_empty() {
                                view! { <p class="note findings-none">"No problems found in the layers."</p> }.into_any()
                            } else {
                                view! { <ul class="findings">{list.into_iter().map(finding_row).collect_view()}</ul> }.into_any()
                                },
                            }}
                        }
                    })
                }}
                <h3>"Troubleshooting"</h3>
                <select
                    id="assist-symptom" aria-label="Troubleshooting: what went wrong with the print?"
                    on:change=move |ev| a.symptom.set(Symptom::from_id(&event_target_value(&ev)))
                    prop:value=move || a.symptom.get().map_or("", |s| s.id())
                >
                    <option value="">"What went wrong?"</option>
                    {Symptom::ALL.map(|s| view! { <option value=s.id()>{s.name()}</option> }).collect_view()}
                </select>
                {move || {
                    remedies().map(|(_, list)| {
                        if list.is_empty() {
                            return view! { <p class="note">"Your settings already have the usual cures for this."</p> }.into_any();
                        }
                        view! {
                            <ol class="remedies">
                                {list.into_iter().map(|r| view! {
                                    <li class="remedy">
                                        <strong>{change_text(ctx, &r.change)}</strong>
                                        <span class="note">{format!(" {}", r.why)}</span>
                                    </li>
                                }).collect_view()}
                            </ol>
                            <button id="assist-save-preset" class="primary" on:click=save_fix>
                                "Apply as my presets"
                            </button>
                        }.into_any()
                    })
                }}
            </section>
        </Show>
    }
}
