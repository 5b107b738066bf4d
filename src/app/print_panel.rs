//! The printer panel: the top bar's button, and a panel with a tab for a printer on USB
//! (`usb`) and one for printers on the network (`lan`).

use super::Ctx;
use leptos::prelude::*;

/// The "Printer" button and its panel.
#[component]
pub fn PrintPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let usb = ctx.usb;
    usb.start(ctx);
    Effect::new(move |prev: Option<bool>| {
        let open = usb.open.get();
        if prev.is_some_and(|p| p != open) {
            super::browser::dialog_focus(open, ".printer-panel", "printer-button");
        }
        open
    });
    view! {
        <button
            id="printer-button"
            class:active=move || usb.open.get()
            on:click=move |_| {
                usb.open.update(|o| *o = !*o);
                usb.refresh_known();
            }
        >
            {move || usb.label()}
        </button>
        <Show when=move || usb.open.get()>
            <section class="printer-panel" role="dialog" aria-label="Print and connect" on:keydown=move |ev| super::browser::trap_tab(&ev)>
                <header>
                    <div class="tabs" role="tablist">
                        <button id="tab-usb" role="tab" class:active=move || !ctx.lan.shown.get() on:click=move |_| ctx.lan.shown.set(false)>
                            "USB"
                        </button>
                        <button id="tab-network" role="tab" class:active=move || ctx.lan.shown.get() on:click=move |_| ctx.lan.shown.set(true)>
                            "Network"
                        </button>
                    </div>
                    <button class="close" title="Close" aria-label="Close the printer panel" on:click=move |_| usb.open.set(false)>"×"</button>
                </header>
                <Show when=move || ctx.lan.shown.get()>
                    <super::lan::NetworkPrinters/>
                </Show>
                <Show when=move || !ctx.lan.shown.get()>
                    <super::usb::UsbTab/>
                </Show>
            </section>
        </Show>
    }
}
