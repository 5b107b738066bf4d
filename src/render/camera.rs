//! The orbit camera: Z is up (the printer's axes), the camera circles a target point.

use glam::{Mat4, Vec3};

/// Vertical field of view (radians).
const FOV: f32 = 0.7;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Angle about Z (radians), 0 looking along +X.
    pub yaw: f32,
    /// Elevation above the bed plane (radians).
    pub pitch: f32,
    pub distance: f32,
    pub target: Vec3,
    pub aspect: f32,
}

/// The preset views of the view menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Iso,
    Top,
    Front,
}

impl Camera {
    pub fn new(target: Vec3, distance: f32) -> Camera {
        let mut c = Camera {
            yaw: 0.0,
            pitch: 0.0,
            distance,
            target,
            aspect: 1.0,
        };
        c.set_view(View::Iso);
        c
    }

    pub fn set_view(&mut self, v: View) {
        let (yaw, pitch) = match v {
            View::Iso => (-2.1, 0.6),
            View::Top => (-std::f32::consts::FRAC_PI_2, 1.5607),
            View::Front => (-std::f32::consts::FRAC_PI_2, 0.05),
        };
        self.yaw = yaw;
        self.pitch = pitch;
    }

    pub fn eye(&self) -> Vec3 {
        let (sy, cy) = self.yaw.sin_cos();
        let (sp, cp) = self.pitch.sin_cos();
        self.target + self.distance * Vec3::new(cp * cy, cp * sy, sp)
    }

    pub fn view_proj(&self) -> Mat4 {
        let view = glam::camera::rh::view::look_at_mat4(self.eye(), self.target, Vec3::Z);
        let near = (self.distance * 0.01).max(0.5);
        let far = self.distance * 10.0 + 2000.0;
        // wgpu's clip space: Z in [0, 1], Y up.
        glam::camera::rh::proj::directx::perspective(FOV, self.aspect.max(0.1), near, far) * view
    }

    pub fn orbit(&mut self, dx: f32, dy: f32) {
        self.yaw -= dx * 0.008;
        self.pitch = (self.pitch + dy * 0.008).clamp(-1.5, 1.5607);
    }

    /// Moves the target across the view; `dx`, `dy` in pixels of a view `height` tall.
    pub fn pan(&mut self, dx: f32, dy: f32, height: f32) {
        let per_px = 2.0 * self.distance * (FOV / 2.0).tan() / height.max(1.0);
        let forward = (self.target - self.eye()).normalize_or_zero();
        let right = forward.cross(Vec3::Z).normalize_or_zero();
        let up = right.cross(forward).normalize_or_zero();
        self.target += (-dx * right + dy * up) * per_px;
    }

    pub fn zoom(&mut self, factor: f32) {
        self.distance = (self.distance * factor).clamp(5.0, 5000.0);
    }

    /// Frames a bounding box.
    pub fn fit(&mut self, min: Vec3, max: Vec3) {
        let radius = ((max - min).length() / 2.0).max(5.0);
        self.target = (min + max) / 2.0;
        let fov = FOV.min(FOV * self.aspect.max(0.2));
        self.distance = radius / (fov / 2.0).sin() * 1.05;
    }

    /// The world ray through a point of the view, given in normalised device coordinates
    /// (-1..1, y up).
    pub fn ray(&self, ndc_x: f32, ndc_y: f32) -> (Vec3, Vec3) {
        let inv = self.view_proj().inverse();
        let near = inv.project_point3(Vec3::new(ndc_x, ndc_y, 0.0));
        let far = inv.project_point3(Vec3::new(ndc_x, ndc_y, 1.0));
        (near, (far - near).normalize_or_zero())
    }
}
