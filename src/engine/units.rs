//! Units. Geometry inside the engine is integer micrometres (`Coord`), so that polygon
//! booleans and offsets are exact and robust; settings and G-code speak millimetres (f64).

/// One unit of planar geometry: a micrometre.
pub type Coord = i64;

/// Coordinate units per millimetre.
pub const SCALE: f64 = 1000.0;

/// Millimetres to integer micrometres (rounded to nearest).
#[inline]
pub fn scaled(mm: f64) -> Coord {
    (mm * SCALE).round() as Coord
}

/// Integer micrometres to millimetres.
#[inline]
pub fn unscaled(c: Coord) -> f64 {
    c as f64 / SCALE
}

/// Square millimetres from an area in square micrometres.
#[inline]
pub fn unscaled_area(a: f64) -> f64 {
    a / (SCALE * SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(scaled(0.45), 450);
        assert_eq!(scaled(-1.2345), -1235);
        assert!((unscaled(scaled(12.3456)) - 12.346).abs() < 1e-9);
        assert_eq!(unscaled_area(1e6), 1.0);
    }
}
