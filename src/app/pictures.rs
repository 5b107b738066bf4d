//! The pictures written into the last slice's G-code (the printer's `thumbnails`), shown in
//! the preview as the printer's screen and hosts will show them.

use super::Ctx;
use crate::engine::gcode::thumbnails::{self, Format};
use base64::Engine as _;
use leptos::prelude::*;

/// How much of the G-code's start is read for pictures (they are at the top of the header).
const HEAD_BYTES: u32 = 4 << 20;

#[component]
pub fn GcodePictures() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pictures = move || {
        ctx.slicing.result.track();
        let bytes = ctx.slicing.gcode_bytes()?;
        let head = bytes.subarray(0, bytes.length().min(HEAD_BYTES)).to_vec();
        let found = thumbnails::read(&String::from_utf8_lossy(&head));
        (!found.is_empty()).then_some(found)
    };
    move || {
        pictures().map(|found| {
            let items = found
                .into_iter()
                .map(|(spec, bytes)| {
                    let size = format!("{}×{}", spec.width, spec.height);
                    let (mime, name) = match spec.format {
                        Format::Png => (Some("image/png"), "PNG"),
                        Format::Creality => (Some("image/png"), "PNG, Creality's layout"),
                        Format::Jpg => (Some("image/jpeg"), "JPG"),
                        // No browser draws QOI.
                        Format::Qoi => (None, "QOI"),
                    };
                    let src = mime.map(|m| {
                        format!(
                            "data:{m};base64,{}",
                            base64::engine::general_purpose::STANDARD.encode(&bytes)
                        )
                    });
                    // Shown at most 96 px wide.
                    let w = spec.width.min(96);
                    let h = spec.height * w / spec.width.max(1);
                    view! {
                        <figure class="gcode-picture">
                            {src.map(|src| view! { <img src=src width=w height=h alt=format!("The {size} picture in the G-code")/> })}
                            <figcaption>{format!("{size} {name}")}</figcaption>
                        </figure>
                    }
                })
                .collect_view();
            view! {
                <div class="gcode-pictures" id="gcode-pictures">
                    <h3>"Pictures in the G-code"</h3>
                    <div class="gcode-picture-row">{items}</div>
                </div>
            }
        })
    }
}
