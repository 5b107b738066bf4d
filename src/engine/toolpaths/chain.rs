//! The order to print open paths in: nearest neighbour from the nozzle, then improved by
//! 2-opt (reversing a run of the order, with each path in it, when that shortens the travel
//! into and out of the run), as PrusaSlicer and CuraEngine improve their greedy chains.
//! The search is bounded: runs of at most `WINDOW` paths and a fixed number of passes, so
//! its cost grows linearly with the paths of a layer.

use crate::engine::geom::Point;

/// The longest run of paths one 2-opt move reverses.
const WINDOW: usize = 48;
/// At most this many passes over the order.
const PASSES: usize = 4;

/// The order of the paths with ends `ends` (first point, last point) that starts nearest
/// `start`: each entry is a path's index and whether it runs backwards.
pub fn chain(start: Point, ends: &[(Point, Point)]) -> Vec<(usize, bool)> {
    let mut order = nearest_neighbour(start, ends);
    two_opt(start, ends, &mut order);
    order
}

/// Each next path the one with an end nearest the nozzle, entered from that end.
fn nearest_neighbour(start: Point, ends: &[(Point, Point)]) -> Vec<(usize, bool)> {
    let n = ends.len();
    let mut order: Vec<(usize, bool)> = Vec::with_capacity(n);
    let mut left: Vec<usize> = (0..n).collect();
    let mut pos = start;
    while !left.is_empty() {
        let mut best = (f64::MAX, 0, false);
        for (k, &i) in left.iter().enumerate() {
            let (a, b) = ends[i];
            let (da, db) = (a.distance_sq(pos), b.distance_sq(pos));
            if da < best.0 {
                best = (da, k, false);
            }
            if db < best.0 {
                best = (db, k, true);
            }
        }
        let i = left.swap_remove(best.1);
        order.push((i, best.2));
        pos = exit(ends, (i, best.2));
    }
    order
}

fn entry(ends: &[(Point, Point)], (i, back): (usize, bool)) -> Point {
    if back { ends[i].1 } else { ends[i].0 }
}

fn exit(ends: &[(Point, Point)], (i, back): (usize, bool)) -> Point {
    if back { ends[i].0 } else { ends[i].1 }
}

/// Reverses runs of `order` (and the direction of each path in them) while that shortens the
/// travel: for a run i..=j the travel into it becomes the one to path j's far end, and the
/// travel out of it leaves from path i's near end; the travel inside the run is unchanged.
fn two_opt(start: Point, ends: &[(Point, Point)], order: &mut [(usize, bool)]) {
    let n = order.len();
    if n < 2 {
        return;
    }
    let before = |order: &[(usize, bool)], i: usize| {
        if i == 0 {
            start
        } else {
            exit(ends, order[i - 1])
        }
    };
    for _ in 0..PASSES {
        let mut improved = false;
        for i in 0..n {
            let into = before(order, i);
            let old_in = into.distance(entry(ends, order[i]));
            for j in i..n.min(i + WINDOW) {
                let (old_out, new_out) = match order.get(j + 1) {
                    Some(&next) => {
                        let after = entry(ends, next);
                        (
                            exit(ends, order[j]).distance(after),
                            entry(ends, order[i]).distance(after),
                        )
                    }
                    None => (0.0, 0.0),
                };
                let new_in = into.distance(exit(ends, order[j]));
                // A small margin keeps equal-cost moves from cycling.
                if new_in + new_out + 1.0 < old_in + old_out {
                    order[i..=j].reverse();
                    for o in &mut order[i..=j] {
                        o.1 = !o.1;
                    }
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The travel from `start` through the paths in `order`.
    fn travel(start: Point, ends: &[(Point, Point)], order: &[(usize, bool)]) -> f64 {
        let mut pos = start;
        let mut sum = 0.0;
        for &o in order {
            sum += pos.distance(entry(ends, o));
            pos = exit(ends, o);
        }
        sum
    }

    #[test]
    fn two_opt_shortens_a_greedy_tour_of_scattered_lines() {
        // 300 short lines scattered over 100 mm: nearest neighbour leaves stragglers that it
        // must come back for; 2-opt removes most of those detours.
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 100_000) as i64
        };
        let ends: Vec<(Point, Point)> = (0..300)
            .map(|_| {
                let a = Point::new(next(), next());
                (a, Point::new(a.x + next() % 2000, a.y + next() % 2000))
            })
            .collect();
        let start = Point::new(50_000, 50_000);
        let g = travel(start, &ends, &nearest_neighbour(start, &ends));
        let c = travel(start, &ends, &chain(start, &ends));
        assert!(c < g * 0.92, "chain {c} vs greedy {g}");
    }

    proptest! {
        #[test]
        fn chain_visits_every_path_once_and_never_travels_more_than_greedy(
            pts in prop::collection::vec((0i64..50_000, 0i64..50_000, -3000i64..3000, -3000i64..3000), 1..120),
            sx in 0i64..50_000, sy in 0i64..50_000,
        ) {
            let ends: Vec<(Point, Point)> = pts
                .iter()
                .map(|&(x, y, dx, dy)| (Point::new(x, y), Point::new(x + dx, y + dy)))
                .collect();
            let start = Point::new(sx, sy);
            let order = chain(start, &ends);
            let mut seen: Vec<usize> = order.iter().map(|o| o.0).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..ends.len()).collect::<Vec<_>>());
            let g = travel(start, &ends, &nearest_neighbour(start, &ends));
            prop_assert!(travel(start, &ends, &order) <= g + 1e-6);
        }
    }
}
