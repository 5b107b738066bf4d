//! The slicing engine as a bare WebAssembly module, for measuring wasm32 against native
//! (scripts/bench.sh runs it under Node). It needs no JavaScript glue: the host passes the
//! model bytes in linear memory and reads the G-code length back; the one import, `now_ms`,
//! lets the engine time its stages.

#[cfg(target_arch = "wasm32")]
mod wasm {
    use lamina::engine::mesh;
    use lamina::engine::model::Scene;
    use lamina::engine::pipeline::{self, Observer};
    use lamina::engine::settings::{Selection, resolve};
    use lamina::engine::stage::Stage;

    unsafe extern "C" {
        fn now_ms() -> f64;
    }

    struct Clock;

    impl Observer for Clock {
        fn stage(&mut self, _: Stage) -> bool {
            true
        }
        fn now(&self) -> f64 {
            unsafe { now_ms() / 1000.0 }
        }
    }

    /// Room for `len` bytes that the host fills.
    #[unsafe(no_mangle)]
    pub extern "C" fn alloc(len: usize) -> *mut u8 {
        let mut v = Vec::<u8>::with_capacity(len);
        let p = v.as_mut_ptr();
        std::mem::forget(v);
        p
    }

    /// Imports, places and slices a model with the default presets; returns the G-code's
    /// length in bytes (negative when something failed). `format`: 0 STL, 1 3MF, 2 OBJ.
    #[unsafe(no_mangle)]
    pub extern "C" fn slice(ptr: *mut u8, len: usize, format: u32) -> f64 {
        let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
        let name = ["model.stl", "model.3mf", "model.obj"][format.min(2) as usize];
        let Ok(settings) = resolve(&Selection::default()) else {
            return -1.0;
        };
        let Ok(objects) = mesh::import(name, &bytes) else {
            return -2.0;
        };
        let mut scene = Scene::default();
        scene.add(objects);
        scene.drop_to_bed();
        scene.center_at(settings.bed_size_x / 2.0, settings.bed_size_y / 2.0);
        match pipeline::slice(&scene, &settings, &[], &mut Clock) {
            Ok(out) => out.gcode.len() as f64,
            Err(_) => -3.0,
        }
    }
}
