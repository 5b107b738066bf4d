//! Beading: how many lines (beads) a region of a given thickness gets, how wide each is, and
//! where each runs. The strategy is the composition the field settled on (CuraEngine's and
//! PrusaSlicer's Arachne): *distributed* (the count that keeps widths nearest the optimum,
//! the difference spread over the middle lines), *redistribute* (the outer lines keep the
//! outer width, the inner ones take up the rest), *widening* (a feature thinner than one line
//! but at least `min_feature_size` gets one line of at least `min_bead_width`) and *limited*
//! (at most two lines per wall; thicker regions keep their lines at fixed distances from the
//! outline and leave the middle to infill). All lengths are micrometres, and widths are
//! spacings (centre-to-centre distances of touching lines).

/// Lines across one thickness: widths and distances of their centres from one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Beading {
    pub thickness: f64,
    pub widths: Vec<f64>,
    pub locations: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strategy {
    /// Outer and inner line spacing.
    pub outer: f64,
    pub inner: f64,
    /// Fraction of a line by which an odd count must be exceeded to split its middle line.
    pub split_middle: f64,
    /// Fraction of a line an even count must leave over to add a middle line.
    pub add_middle: f64,
    /// How many lines from the middle take up a width's difference from the optimum.
    pub distribution_radius: u32,
    /// Thinner features are left out; features up to one line wide get one line.
    pub min_feature: f64,
    /// The narrowest line printed.
    pub min_bead: f64,
    /// Twice the number of walls.
    pub max_beads: usize,
}

/// Below this share of the outer width nothing is printed (Redistribute's minimum variable
/// line ratio, PrusaSlicer's and Cura's 0.5).
const MIN_VARIABLE_LINE_RATIO: f64 = 0.5;

impl Strategy {
    /// The count for `t` micrometres of material across.
    pub fn optimal_count(&self, t: f64) -> usize {
        let p = self.widening_count(t);
        let l = self.max_beads;
        if p <= l {
            p
        } else if p == l + 1 && t < self.redistribute_optimal(l + 1) - 10.0 {
            l
        } else {
            l + 1
        }
    }

    /// Whether `n` lines across `t` are no narrower than the strategy's own lines ever get at
    /// a change of count (a split middle line, an added one) and no wider than two lines.
    pub fn fits(&self, t: f64, n: usize) -> bool {
        let narrowest = self.narrowest();
        self.compute(t, n)
            .widths
            .iter()
            .all(|w| *w >= narrowest - 1.0 && *w <= 2.0 * self.inner)
    }

    /// The narrowest line the strategy makes at a change of count (a split middle line, an
    /// added one), or its minimum bead if that is narrower.
    pub fn narrowest(&self) -> f64 {
        ((1.0 + self.split_middle) / 2.0 * self.outer)
            .min(self.add_middle * self.inner)
            .min(self.min_bead)
    }

    /// Widths and locations of `n` lines across `t`.
    pub fn compute(&self, t: f64, n: usize) -> Beading {
        let l = self.max_beads;
        if n <= l {
            return self.widening(t, n);
        }
        // Thicker than the walls need: the lines keep their places from both sides.
        let opt = self.redistribute_optimal(l);
        let mut b = self.widening(opt, l);
        let k = b.locations.len();
        for i in 0..k.div_ceil(2) {
            b.locations[k - 1 - i] = t - b.locations[i];
        }
        b.thickness = t;
        b
    }

    fn widening_count(&self, t: f64) -> usize {
        if t < self.min_feature {
            return 0;
        }
        self.redistribute_count(t).max(1)
    }

    fn widening(&self, t: f64, n: usize) -> Beading {
        if t < self.inner {
            let mut b = Beading::empty(t);
            if t >= self.min_feature && n > 0 {
                b.widths.push(t.max(self.min_bead));
                b.locations.push(t / 2.0);
            }
            return b;
        }
        self.redistribute(t, n)
    }

    fn redistribute_optimal(&self, n: usize) -> f64 {
        let inner = n.saturating_sub(2);
        self.inner * inner as f64 + self.outer * (n - inner) as f64
    }

    fn redistribute_count(&self, t: f64) -> usize {
        if t < MIN_VARIABLE_LINE_RATIO * self.outer {
            return 0;
        }
        if t <= 2.0 * self.outer {
            return if t > (1.0 + self.split_middle) * self.outer {
                2
            } else {
                1
            };
        }
        self.distributed_count(t - 2.0 * self.outer) + 2
    }

    fn redistribute(&self, t: f64, n: usize) -> Beading {
        if n == 0 || t < MIN_VARIABLE_LINE_RATIO * self.outer {
            return Beading::empty(t);
        }
        let mut b = Beading::empty(t);
        let inner_t = t - 2.0 * self.outer;
        if n > 2 && inner_t > 0.0 {
            b = self.distributed(inner_t, n - 2);
            b.locations.iter_mut().for_each(|x| *x += self.outer);
        }
        let outer = if n > 2 {
            (t / 2.0).min(self.outer)
        } else {
            t / n as f64
        };
        b.widths.insert(0, outer);
        b.locations.insert(0, outer / 2.0);
        if n > 1 {
            b.widths.push(outer);
            b.locations.push(t - outer / 2.0);
        }
        b.thickness = t;
        b
    }

    fn distributed_count(&self, t: f64) -> usize {
        let w = self.inner;
        let naive = (t / w).floor() as usize;
        let rest = t - naive as f64 * w;
        let threshold = if naive % 2 == 1 {
            self.split_middle
        } else {
            self.add_middle
        };
        naive + usize::from(rest >= w * threshold)
    }

    fn distributed(&self, t: f64, n: usize) -> Beading {
        let mut b = Beading::empty(t);
        match n {
            0 => {}
            1 => {
                b.widths.push(t);
                b.locations.push(t / 2.0);
            }
            2 => {
                b.widths = vec![t / 2.0; 2];
                b.locations = vec![t / 4.0, t * 0.75];
            }
            _ => {
                let r = self.distribution_radius.max(2) as f64 - 1.0;
                let middle = (n - 1) as f64 / 2.0;
                let weights: Vec<f64> = (0..n)
                    .map(|i| (1.0 - ((i as f64 - middle) / r).powi(2)).max(0.0))
                    .collect();
                let total: f64 = weights.iter().sum();
                let spread = t - n as f64 * self.inner;
                let mut x = 0.0;
                for w in weights {
                    let width = self.inner + spread * w / total;
                    b.locations.push(x + width / 2.0);
                    b.widths.push(width);
                    x += width;
                }
            }
        }
        b
    }
}

impl Beading {
    fn empty(t: f64) -> Beading {
        Beading {
            thickness: t,
            widths: Vec::new(),
            locations: Vec::new(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// PrusaSlicer's defaults for a 0.4 mm nozzle, 0.2 mm layers, two walls.
    pub(crate) fn strategy() -> Strategy {
        Strategy {
            outer: 407.0,
            inner: 407.0,
            split_middle: 0.511,
            add_middle: 0.756,
            distribution_radius: 1,
            min_feature: 100.0,
            min_bead: 340.0,
            max_beads: 4,
        }
    }

    #[test]
    fn counts_follow_thickness() {
        let s = strategy();
        assert_eq!(s.optimal_count(90.0), 0);
        assert_eq!(s.optimal_count(150.0), 1);
        assert_eq!(s.optimal_count(407.0), 1);
        // One line splits into two past 1.511 widths.
        assert_eq!(s.optimal_count(600.0), 1);
        assert_eq!(s.optimal_count(630.0), 2);
        assert_eq!(s.optimal_count(814.0), 2);
        // A middle line joins two when 0.511 of a width is left over.
        assert_eq!(s.optimal_count(1100.0), 2);
        assert_eq!(s.optimal_count(1130.0), 3);
        assert_eq!(s.optimal_count(1628.0), 4);
        assert_eq!(s.optimal_count(5000.0), 5);
    }

    #[test]
    fn widths_fill_the_thickness_up_to_the_wall_count() {
        let s = strategy();
        for t in [150.0, 407.0, 600.0, 700.0, 1000.0, 1200.0, 1600.0] {
            let b = s.compute(t, s.optimal_count(t));
            let sum: f64 = b.widths.iter().sum();
            assert!((sum - t.max(s.min_bead)).abs() < 1.0, "{t}: {b:?}");
            if t >= s.min_bead {
                for (x, w) in b.locations.iter().zip(&b.widths) {
                    assert!(
                        *x - w / 2.0 >= -1.0 && *x + w / 2.0 <= t + 1.0,
                        "{t}: {b:?}"
                    );
                }
            }
        }
        // Thick: four lines of the optimal width, two from each side.
        let b = s.compute(5000.0, s.optimal_count(5000.0));
        assert_eq!(b.widths, vec![407.0; 4]);
        assert_eq!(
            b.locations,
            vec![203.5, 610.5, 5000.0 - 610.5, 5000.0 - 203.5]
        );
        // Thin: one line, widened to the minimum bead.
        let b = s.compute(150.0, 1);
        assert_eq!(b.widths, vec![340.0]);
        assert_eq!(b.locations, vec![75.0]);
    }
}
