//! The 3D view, drawn with wgpu: WebGPU where the browser offers an adapter, WebGL2
//! otherwise. GPU buffers are built once when the scene or the preview changes, never per
//! frame; a frame only updates a few uniforms.

mod camera;

pub use camera::{Camera, View};

use crate::engine::gcode::preview::{Preview, STRIDE};
use crate::engine::mesh::Mesh;
use glam::{Mat4, Vec3};
use wgpu::util::DeviceExt;

/// The palette of toolpath features, by `Role::ALL` index (travel last). Also the legend's.
pub const PALETTE: [[f32; 3]; 14] = [
    [0.55, 0.55, 0.55], // skirt
    [0.55, 0.55, 0.55], // brim
    [0.25, 0.75, 0.45], // support
    [0.35, 0.85, 0.55], // support interface
    [0.95, 0.45, 0.15], // external perimeter
    [1.00, 0.80, 0.20], // perimeter
    [0.20, 0.35, 0.90], // overhang perimeter
    [1.00, 0.35, 0.55], // gap fill
    [0.70, 0.20, 0.20], // internal infill
    [0.60, 0.25, 0.75], // solid infill
    [0.90, 0.20, 0.25], // top solid infill
    [0.35, 0.60, 0.90], // bridge infill
    [0.95, 0.75, 0.85], // ironing
    [0.30, 0.70, 0.95], // travel
];

/// Where travel's colour sits in `PALETTE`: after every feature's.
pub const TRAVEL_COLOUR: usize = crate::engine::toolpaths::Role::ALL.len();

const DEPTH: wgpu::TextureFormat = wgpu::TextureFormat::Depth24Plus;
const DRAW_ALIGN: u64 = 256;
const MAX_DRAWS: u64 = 512;

/// Colour and look of one placed model copy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelDraw {
    pub mesh: usize,
    pub transform: Mat4,
    pub colour: [f32; 3],
    /// 1 for solid models; less for see-through volumes (drawn after the solid ones).
    pub alpha: f32,
}

/// What the view shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Models,
    Preview {
        /// Layers shown, inclusive.
        lo: usize,
        hi: usize,
        travel: bool,
        /// 0 feature, 1 speed, 2 layer time.
        colour: u32,
        /// Features not drawn: bit i for `Role::ALL[i]`.
        hidden: u32,
        /// Extrusion moves of the top layer drawn (the move scrubber), and where the tool
        /// is then; None: the whole layer, no tool.
        upto: Option<(u32, [f32; 3])>,
    },
}

/// `kind` of the scrubber's tool marker (drawn white).
const TOOL_KIND: f32 = 254.0;

#[repr(C)]
#[derive(Clone, Copy)]
struct Globals {
    view_proj: [[f32; 4]; 4],
    eye: [f32; 4],
    mode: [f32; 4],
    palette: [[f32; 4]; 16],
}

struct GpuMesh {
    buffer: wgpu::Buffer,
    vertices: u32,
}

struct GpuPreview {
    extrusions: Option<wgpu::Buffer>,
    travels: Option<wgpu::Buffer>,
    layers: Vec<(f32, u32, u32)>,
    extrusion_count: u32,
    travel_count: u32,
    speed_range: (f32, f32),
    time_range: (f32, f32),
}

pub struct Renderer {
    surface: wgpu::Surface<'static>,
    device: wgpu::Device,
    queue: wgpu::Queue,
    config: wgpu::SurfaceConfiguration,
    depth: wgpu::TextureView,
    globals: wgpu::Buffer,
    globals_group: wgpu::BindGroup,
    draws: wgpu::Buffer,
    draws_group: wgpu::BindGroup,
    line_pipeline: wgpu::RenderPipeline,
    overlay_pipeline: wgpu::RenderPipeline,
    mesh_pipeline: wgpu::RenderPipeline,
    path_pipeline: wgpu::RenderPipeline,
    bed: Option<(wgpu::Buffer, u32)>,
    /// Lines over the models (the gizmo), with their vertex count.
    overlay: Option<(wgpu::Buffer, u32)>,
    meshes: Vec<GpuMesh>,
    models: Vec<ModelDraw>,
    preview: Option<GpuPreview>,
    pub camera: Camera,
    pub mode: Mode,
    /// "WebGPU" or "WebGL2".
    pub backend: &'static str,
}

fn to_f32s<T: Copy>(data: &[T]) -> &[u8] {
    // SAFETY: only plain f32/u32 arrays and #[repr(C)] structs of them are passed.
    unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) }
}

impl Renderer {
    pub async fn new(canvas: web_sys::HtmlCanvasElement) -> Result<Renderer, String> {
        let (width, height) = (canvas.width().max(1), canvas.height().max(1));
        let desc = wgpu::InstanceDescriptor::new_without_display_handle();
        let instance = wgpu::util::new_instance_with_webgpu_detection(desc).await;
        let surface = instance
            .create_surface(wgpu::SurfaceTarget::Canvas(canvas))
            .map_err(|e| format!("cannot draw on the page: {e}"))?;
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                compatible_surface: Some(&surface),
                force_fallback_adapter: false,
                apply_limit_buckets: false,
            })
            .await
            .map_err(|e| format!("no graphics adapter (WebGPU or WebGL2): {e}"))?;
        let backend = if adapter.get_info().backend == wgpu::Backend::BrowserWebGpu {
            "WebGPU"
        } else {
            "WebGL2"
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("lamina"),
                required_limits: wgpu::Limits::downlevel_webgl2_defaults()
                    .using_resolution(adapter.limits()),
                ..Default::default()
            })
            .await
            .map_err(|e| format!("cannot open the graphics device: {e}"))?;
        let mut config = surface
            .get_default_config(&adapter, width, height)
            .ok_or("the canvas cannot be drawn on by this adapter")?;
        let caps = surface.get_capabilities(&adapter);
        config.format = caps
            .formats
            .iter()
            .copied()
            .find(|f| !f.is_srgb())
            .unwrap_or(config.format);
        surface.configure(&device, &config);
        let depth = make_depth(&device, width, height);

        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("shaders"),
            source: wgpu::ShaderSource::Wgsl(include_str!("shaders.wgsl").into()),
        });
        let uniform_layout = |dynamic: bool| {
            device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: None,
                entries: &[wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: dynamic,
                        min_binding_size: None,
                    },
                    count: None,
                }],
            })
        };
        let globals_layout = uniform_layout(false);
        let draws_layout = uniform_layout(true);
        let globals = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("globals"),
            size: std::mem::size_of::<Globals>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let draws = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("draws"),
            size: DRAW_ALIGN * MAX_DRAWS,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let globals_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &globals_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: globals.as_entire_binding(),
            }],
        });
        let draws_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: None,
            layout: &draws_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: &draws,
                    offset: 0,
                    size: wgpu::BufferSize::new(80),
                }),
            }],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: None,
            bind_group_layouts: &[Some(&globals_layout), Some(&draws_layout)],
            immediate_size: 0,
        });
        // `on_top`: drawn over everything (the gizmo's handles), leaving the depth alone.
        let pipeline = |vs: &str,
                        fs: &str,
                        buffers: &[Option<wgpu::VertexBufferLayout>],
                        topology: wgpu::PrimitiveTopology,
                        on_top: bool| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(vs),
                layout: Some(&layout),
                vertex: wgpu::VertexState {
                    module: &shader,
                    entry_point: Some(vs),
                    compilation_options: Default::default(),
                    buffers,
                },
                primitive: wgpu::PrimitiveState {
                    topology,
                    ..Default::default()
                },
                depth_stencil: Some(wgpu::DepthStencilState {
                    format: DEPTH,
                    depth_write_enabled: Some(!on_top),
                    depth_compare: Some(if on_top {
                        wgpu::CompareFunction::Always
                    } else {
                        wgpu::CompareFunction::LessEqual
                    }),
                    stencil: Default::default(),
                    bias: Default::default(),
                }),
                multisample: Default::default(),
                fragment: Some(wgpu::FragmentState {
                    module: &shader,
                    entry_point: Some(fs),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format: config.format,
                        blend: Some(wgpu::BlendState::ALPHA_BLENDING),
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        let line_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x4];
        let line_layout = [Some(wgpu::VertexBufferLayout {
            array_stride: 28,
            step_mode: wgpu::VertexStepMode::Vertex,
            attributes: &line_attrs,
        })];
        let line_pipeline = pipeline(
            "line_vs",
            "line_fs",
            &line_layout,
            wgpu::PrimitiveTopology::LineList,
            false,
        );
        let overlay_pipeline = pipeline(
            "line_vs",
            "line_fs",
            &line_layout,
            wgpu::PrimitiveTopology::LineList,
            true,
        );
        let mesh_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3];
        let mesh_pipeline = pipeline(
            "mesh_vs",
            "mesh_fs",
            &[Some(wgpu::VertexBufferLayout {
                array_stride: 24,
                step_mode: wgpu::VertexStepMode::Vertex,
                attributes: &mesh_attrs,
            })],
            wgpu::PrimitiveTopology::TriangleList,
            false,
        );
        let path_attrs = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3, 2 => Float32x4, 3 => Float32x2];
        let path_pipeline = pipeline(
            "path_vs",
            "path_fs",
            &[Some(wgpu::VertexBufferLayout {
                array_stride: (STRIDE * 4) as u64,
                step_mode: wgpu::VertexStepMode::Instance,
                attributes: &path_attrs,
            })],
            wgpu::PrimitiveTopology::TriangleList,
            false,
        );
        let mut camera = Camera::new(Vec3::new(110.0, 110.0, 0.0), 380.0);
        camera.aspect = width as f32 / height as f32;
        Ok(Renderer {
            surface,
            device,
            queue,
            config,
            depth,
            globals,
            globals_group,
            draws,
            draws_group,
            line_pipeline,
            overlay_pipeline,
            mesh_pipeline,
            path_pipeline,
            bed: None,
            overlay: None,
            meshes: Vec::new(),
            models: Vec::new(),
            preview: None,
            camera,
            mode: Mode::Models,
            backend,
        })
    }

    pub fn resize(&mut self, width: u32, height: u32) {
        let (width, height) = (width.max(1), height.max(1));
        if (width, height) == (self.config.width, self.config.height) {
            return;
        }
        self.config.width = width;
        self.config.height = height;
        self.surface.configure(&self.device, &self.config);
        self.depth = make_depth(&self.device, width, height);
        self.camera.aspect = width as f32 / height as f32;
    }

    pub fn size(&self) -> (u32, u32) {
        (self.config.width, self.config.height)
    }

    /// The bed: a plate, a 10 mm grid and the build volume's outline.
    pub fn set_bed(&mut self, x0: f32, y0: f32, w: f32, d: f32, h: f32) {
        let mut v: Vec<f32> = Vec::new();
        let mut line = |a: [f32; 3], b: [f32; 3], c: [f32; 4]| {
            v.extend_from_slice(&a);
            v.extend_from_slice(&c);
            v.extend_from_slice(&b);
            v.extend_from_slice(&c);
        };
        let grid = [0.42, 0.47, 0.52, 1.0];
        let major = [0.55, 0.6, 0.66, 1.0];
        let mut x = 0.0;
        while x <= w + 1e-3 {
            let c = if (x as i32) % 50 == 0 { major } else { grid };
            line([x0 + x, y0, 0.0], [x0 + x, y0 + d, 0.0], c);
            x += 10.0;
        }
        let mut y = 0.0;
        while y <= d + 1e-3 {
            let c = if (y as i32) % 50 == 0 { major } else { grid };
            line([x0, y0 + y, 0.0], [x0 + w, y0 + y, 0.0], c);
            y += 10.0;
        }
        let edge = [0.75, 0.8, 0.85, 1.0];
        let corners = [[x0, y0], [x0 + w, y0], [x0 + w, y0 + d], [x0, y0 + d]];
        for k in 0..4 {
            let (a, b) = (corners[k], corners[(k + 1) % 4]);
            line([a[0], a[1], 0.0], [b[0], b[1], 0.0], edge);
            line([a[0], a[1], h], [b[0], b[1], h], [0.5, 0.55, 0.6, 0.6]);
            line([a[0], a[1], 0.0], [a[0], a[1], h], [0.5, 0.55, 0.6, 0.6]);
        }
        // Axis hints at the origin: X red, Y green.
        line([x0, y0, 0.05], [x0 + 20.0, y0, 0.05], [0.9, 0.25, 0.2, 1.0]);
        line([x0, y0, 0.05], [x0, y0 + 20.0, 0.05], [0.3, 0.8, 0.3, 1.0]);
        let buffer = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("bed"),
                contents: to_f32s(&v),
                usage: wgpu::BufferUsages::VERTEX,
            });
        self.bed = Some((buffer, (v.len() / 7) as u32));
    }

    /// Lines drawn over the models in the models view: (ends, RGBA colour) each.
    pub fn set_overlay(&mut self, lines: &[([[f32; 3]; 2], [f32; 4])]) {
        let v: Vec<f32> = lines
            .iter()
            .flat_map(|([a, b], c)| a.iter().chain(c).chain(b).chain(c).copied())
            .collect();
        self.overlay = (!v.is_empty()).then(|| {
            let buffer = self
                .device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("overlay"),
                    contents: to_f32s(&v),
                    usage: wgpu::BufferUsages::VERTEX,
                });
            (buffer, (v.len() / 7) as u32)
        });
    }

    /// Uploads a model's triangles (flat-shaded) and returns its index for `ModelDraw`.
    pub fn add_mesh(&mut self, mesh: &Mesh) -> usize {
        let m = self.upload_mesh(mesh);
        self.meshes.push(m);
        self.meshes.len() - 1
    }

    /// Replaces the triangles of mesh `index` (overlays that change as they are edited).
    pub fn set_mesh(&mut self, index: usize, mesh: &Mesh) {
        let m = self.upload_mesh(mesh);
        if let Some(slot) = self.meshes.get_mut(index) {
            *slot = m;
        }
    }

    fn upload_mesh(&self, mesh: &Mesh) -> GpuMesh {
        let mut v: Vec<f32> = Vec::with_capacity(mesh.triangles.len() * 18);
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| Vec3::from_array(mesh.vertices[i as usize]));
            let n = (b - a).cross(c - a).normalize_or_zero();
            for p in [a, b, c] {
                v.extend_from_slice(&p.to_array());
                v.extend_from_slice(&n.to_array());
            }
        }
        let buffer = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("mesh"),
                contents: to_f32s(&v),
                usage: wgpu::BufferUsages::VERTEX,
            });
        GpuMesh {
            buffer,
            vertices: (v.len() / 6) as u32,
        }
    }

    /// Forgets every uploaded mesh (the scene will upload what it still has).
    pub fn clear_meshes(&mut self) {
        self.meshes.clear();
        self.models.clear();
    }

    pub fn set_models(&mut self, models: Vec<ModelDraw>) {
        self.models = models;
    }

    /// Uploads a toolpath preview (or drops it).
    pub fn set_preview(&mut self, p: Option<&Preview>) {
        self.preview = p.map(|p| {
            let upload = |data: &[f32], label: &str| {
                (!data.is_empty()).then(|| {
                    self.device
                        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                            label: Some(label),
                            contents: to_f32s(data),
                            usage: wgpu::BufferUsages::VERTEX,
                        })
                })
            };
            GpuPreview {
                extrusions: upload(&p.extrusions, "extrusions"),
                travels: upload(&p.travels, "travels"),
                layers: p.layers.clone(),
                extrusion_count: p.extrusion_count() as u32,
                travel_count: p.travel_count() as u32,
                speed_range: p.speed_range,
                time_range: p.time_range,
            }
        });
    }

    pub fn layer_count(&self) -> usize {
        self.preview.as_ref().map_or(0, |p| p.layers.len())
    }

    pub fn render(&mut self) {
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f)
            | wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                self.surface.configure(&self.device, &self.config);
                return;
            }
            _ => return,
        };
        let view = frame.texture.create_view(&Default::default());
        let (mode, lo, hi, travel, hidden, upto) = match self.mode {
            Mode::Preview {
                lo,
                hi,
                travel,
                colour,
                hidden,
                upto,
            } => (colour, lo, hi, travel, hidden, upto),
            Mode::Models => (0, 0, 0, false, 0, None),
        };
        let range = match (&self.preview, mode) {
            (Some(p), 1) => p.speed_range,
            (Some(p), 2) => p.time_range,
            _ => (0.0, 1.0),
        };
        let mut palette = [[0.0f32; 4]; 16];
        // Alpha says whether the feature is drawn.
        for (i, c) in PALETTE.iter().enumerate().take(TRAVEL_COLOUR) {
            let shown = if hidden & (1 << i) == 0 { 1.0 } else { 0.0 };
            palette[i] = [c[0], c[1], c[2], shown];
        }
        let t = PALETTE[TRAVEL_COLOUR];
        palette[15] = [t[0], t[1], t[2], 1.0];
        let eye = self.camera.eye();
        let globals = Globals {
            view_proj: self.camera.view_proj().to_cols_array_2d(),
            eye: [eye.x, eye.y, eye.z, 1.0],
            mode: [mode as f32, 0.0, range.0, range.1],
            palette,
        };
        self.queue
            .write_buffer(&self.globals, 0, to_f32s(std::slice::from_ref(&globals)));
        // One aligned slot per model draw.
        let mut draws =
            vec![0u8; (DRAW_ALIGN as usize) * self.models.len().clamp(1, MAX_DRAWS as usize)];
        for (k, m) in self.models.iter().take(MAX_DRAWS as usize).enumerate() {
            let mut d = [0f32; 20];
            d[..16].copy_from_slice(&m.transform.to_cols_array());
            d[16..19].copy_from_slice(&m.colour);
            d[19] = m.alpha;
            let off = k * DRAW_ALIGN as usize;
            draws[off..off + 80].copy_from_slice(to_f32s(&d));
        }
        self.queue.write_buffer(&self.draws, 0, &draws);

        // The tool of the move scrubber: a cross of two short ribbons (kind 254, white).
        let tool = upto.map(|(_, [x, y, z])| {
            let mut data = Vec::with_capacity(2 * STRIDE);
            for (dx, dy) in [(1.2f32, 0.0f32), (0.0, 1.2)] {
                data.extend_from_slice(&[
                    x - dx,
                    y - dy,
                    z + 0.3,
                    x + dx,
                    y + dy,
                    z + 0.3,
                    0.5,
                    0.0,
                    TOOL_KIND,
                    0.0,
                    0.0,
                    0.0,
                ]);
            }
            self.device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("tool"),
                    contents: to_f32s(&data),
                    usage: wgpu::BufferUsages::VERTEX,
                })
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("view"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color {
                            r: 0.114,
                            g: 0.165,
                            b: 0.2,
                            a: 1.0,
                        }),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                    view: &self.depth,
                    depth_ops: Some(wgpu::Operations {
                        load: wgpu::LoadOp::Clear(1.0),
                        store: wgpu::StoreOp::Store,
                    }),
                    stencil_ops: None,
                }),
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            pass.set_bind_group(0, &self.globals_group, &[]);
            pass.set_bind_group(1, &self.draws_group, &[0]);
            if let Some((bed, n)) = &self.bed {
                pass.set_pipeline(&self.line_pipeline);
                pass.set_vertex_buffer(0, bed.slice(..));
                pass.draw(0..*n, 0..1);
            }
            match self.mode {
                Mode::Models => {
                    pass.set_pipeline(&self.mesh_pipeline);
                    for (k, m) in self.models.iter().take(MAX_DRAWS as usize).enumerate() {
                        let Some(mesh) = self.meshes.get(m.mesh).filter(|m| m.vertices > 0) else {
                            continue;
                        };
                        pass.set_bind_group(
                            1,
                            &self.draws_group,
                            &[(k as u64 * DRAW_ALIGN) as u32],
                        );
                        pass.set_vertex_buffer(0, mesh.buffer.slice(..));
                        pass.draw(0..mesh.vertices, 0..1);
                    }
                    if let Some((lines, n)) = &self.overlay {
                        pass.set_pipeline(&self.overlay_pipeline);
                        pass.set_vertex_buffer(0, lines.slice(..));
                        pass.draw(0..*n, 0..1);
                    }
                }
                Mode::Preview { .. } => {
                    if let Some(p) = &self.preview {
                        pass.set_pipeline(&self.path_pipeline);
                        let span = |first: usize, count: u32| -> std::ops::Range<u32> {
                            let start = p
                                .layers
                                .get(lo)
                                .map_or(count, |l| if first == 1 { l.1 } else { l.2 });
                            let end = p
                                .layers
                                .get(hi + 1)
                                .map_or(count, |l| if first == 1 { l.1 } else { l.2 });
                            start.min(end)..end
                        };
                        if let Some(b) = &p.extrusions {
                            pass.set_vertex_buffer(0, b.slice(..));
                            let mut range = span(1, p.extrusion_count);
                            // The scrubber: the top layer up to its move.
                            if let (Some((k, _)), Some(l)) = (upto, p.layers.get(hi)) {
                                range.end = range.end.min(l.1 + k).max(range.start);
                            }
                            pass.draw(0..6, range);
                        }
                        if let Some(b) = &tool {
                            pass.set_vertex_buffer(0, b.slice(..));
                            pass.draw(0..6, 0..2);
                        }
                        if travel && let Some(b) = &p.travels {
                            pass.set_vertex_buffer(0, b.slice(..));
                            pass.draw(0..6, span(2, p.travel_count));
                        }
                    }
                }
            }
        }
        self.queue.submit(Some(encoder.finish()));
        self.queue.present(frame);
    }
}

fn make_depth(device: &wgpu::Device, width: u32, height: u32) -> wgpu::TextureView {
    device
        .create_texture(&wgpu::TextureDescriptor {
            label: Some("depth"),
            size: wgpu::Extent3d {
                width,
                height,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: DEPTH,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            view_formats: &[],
        })
        .create_view(&Default::default())
}
