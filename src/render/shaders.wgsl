// Lamina's shaders: bed lines, shaded models, and toolpath ribbons. Written for WebGPU and
// for wgpu's WebGL2 path alike (uniform buffers only, no storage buffers).

struct Globals {
    view_proj: mat4x4<f32>,
    eye: vec4<f32>,
    // x: colour mode (0 feature, 1 speed, 2 layer time), y: unused, zw: the scale's range
    mode: vec4<f32>,
    // Colours of the toolpath features, by role index; 15 is travel. Alpha 0: not drawn.
    palette: array<vec4<f32>, 16>,
};

struct Draw {
    model: mat4x4<f32>,
    colour: vec4<f32>,
};

@group(0) @binding(0) var<uniform> globals: Globals;
@group(1) @binding(0) var<uniform> draw: Draw;

// ---- lines (bed grid, outlines) ----

struct LineOut {
    @builtin(position) position: vec4<f32>,
    @location(0) colour: vec4<f32>,
};

@vertex
fn line_vs(@location(0) position: vec3<f32>, @location(1) colour: vec4<f32>) -> LineOut {
    var out: LineOut;
    out.position = globals.view_proj * vec4<f32>(position, 1.0);
    out.colour = colour;
    return out;
}

@fragment
fn line_fs(v: LineOut) -> @location(0) vec4<f32> {
    return v.colour;
}

// ---- models ----

struct MeshOut {
    @builtin(position) position: vec4<f32>,
    @location(0) normal: vec3<f32>,
    @location(1) world: vec3<f32>,
};

@vertex
fn mesh_vs(@location(0) position: vec3<f32>, @location(1) normal: vec3<f32>) -> MeshOut {
    var out: MeshOut;
    let world = draw.model * vec4<f32>(position, 1.0);
    out.position = globals.view_proj * world;
    out.world = world.xyz;
    // Models are placed by rotations and uniform scales often enough; per-axis scales bend
    // normals a little, which shading forgives.
    out.normal = normalize((draw.model * vec4<f32>(normal, 0.0)).xyz);
    return out;
}

fn shade(base: vec3<f32>, n: vec3<f32>, to_eye: vec3<f32>) -> vec3<f32> {
    let key = normalize(vec3<f32>(-0.4, -0.6, 0.9));
    let fill = normalize(vec3<f32>(0.6, 0.5, 0.3));
    var nn = n;
    if (dot(nn, to_eye) < 0.0) {
        nn = -nn;
    }
    let diffuse = max(dot(nn, key), 0.0) * 0.75 + max(dot(nn, fill), 0.0) * 0.25;
    let half_v = normalize(key + to_eye);
    let spec = pow(max(dot(nn, half_v), 0.0), 32.0) * 0.15;
    return base * (0.28 + diffuse) + vec3<f32>(spec);
}

@fragment
fn mesh_fs(v: MeshOut) -> @location(0) vec4<f32> {
    let to_eye = normalize(globals.eye.xyz - v.world);
    return vec4<f32>(shade(draw.colour.rgb, normalize(v.normal), to_eye), draw.colour.a);
}

// ---- toolpaths: one instance per segment, drawn as a flat ribbon shaded like a bead ----

struct PathOut {
    @builtin(position) position: vec4<f32>,
    @location(0) colour: vec3<f32>,
    @location(1) across: f32,
};

fn ramp(t: f32) -> vec3<f32> {
    // blue → cyan → green → yellow → red
    let c = clamp(t, 0.0, 1.0) * 4.0;
    if (c < 1.0) { return mix(vec3<f32>(0.15, 0.3, 0.95), vec3<f32>(0.1, 0.8, 0.9), c); }
    if (c < 2.0) { return mix(vec3<f32>(0.1, 0.8, 0.9), vec3<f32>(0.2, 0.85, 0.3), c - 1.0); }
    if (c < 3.0) { return mix(vec3<f32>(0.2, 0.85, 0.3), vec3<f32>(0.95, 0.85, 0.15), c - 2.0); }
    return mix(vec3<f32>(0.95, 0.85, 0.15), vec3<f32>(0.9, 0.2, 0.15), c - 3.0);
}

@vertex
fn path_vs(
    @builtin(vertex_index) vi: u32,
    @location(0) p0: vec3<f32>,
    @location(1) p1: vec3<f32>,
    @location(2) shape: vec4<f32>,   // width, height, kind, speed
    @location(3) extra: vec2<f32>,   // layer time, layer
) -> PathOut {
    // Two triangles: corners (end, side) = (0,-1) (1,-1) (0,1) / (0,1) (1,-1) (1,1)
    var ends = array<f32, 6>(0.0, 1.0, 0.0, 0.0, 1.0, 1.0);
    var sides = array<f32, 6>(-1.0, -1.0, 1.0, 1.0, -1.0, 1.0);
    let end = ends[vi];
    let side = sides[vi];
    var d = p1.xy - p0.xy;
    let len = length(d);
    if (len > 1e-6) { d = d / len; } else { d = vec2<f32>(1.0, 0.0); }
    let normal = vec2<f32>(-d.y, d.x);
    let half_w = shape.x * 0.5;
    var p = mix(p0, p1, end);
    // Overlap the ends a little so corners close.
    p = vec3<f32>(p.xy + d * (end * 2.0 - 1.0) * half_w * 0.5 + normal * side * half_w, p.z - shape.y * 0.5);
    var out: PathOut;
    out.position = globals.view_proj * vec4<f32>(p, 1.0);
    out.across = side;
    let kind = i32(shape.z + 0.5);
    if (kind < 15 && globals.palette[kind].a < 0.5) {
        // A hidden feature: outside the clip volume, so nothing is drawn.
        out.position = vec4<f32>(2.0, 2.0, 2.0, 1.0);
    }
    if (kind == 254) {
        // The move scrubber's tool.
        out.colour = vec3<f32>(1.0, 1.0, 1.0);
    } else if (kind >= 255) {
        out.colour = globals.palette[15].rgb;
    } else if (globals.mode.x < 0.5) {
        out.colour = globals.palette[min(kind, 14)].rgb;
    } else if (globals.mode.x < 1.5) {
        out.colour = ramp((shape.w - globals.mode.z) / max(globals.mode.w - globals.mode.z, 1e-3));
    } else {
        out.colour = ramp((extra.x - globals.mode.z) / max(globals.mode.w - globals.mode.z, 1e-3));
    }
    return out;
}

@fragment
fn path_fs(v: PathOut) -> @location(0) vec4<f32> {
    // A bead is round: brighter along its middle.
    let bulge = sqrt(max(1.0 - v.across * v.across, 0.0));
    return vec4<f32>(v.colour * (0.45 + 0.6 * bulge), 1.0);
}
