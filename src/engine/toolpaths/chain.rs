//! The order to print open paths in: nearest neighbour from the nozzle, then improved by
//! 2-opt (reversing a run of the order, with each path in it, when that shortens the travel
//! into and out of the run), as PrusaSlicer and CuraEngine improve their greedy chains.
//! Items that cannot run backwards (islands: entered at their seam, left where their infill
//! ends) are improved by Or-opt instead: moving a short run elsewhere in the order, kept
//! as it is. Both searches are bounded: runs and moves within `WINDOW` places and a fixed
//! number of passes, so their cost grows linearly with the items of a layer.

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

/// The travel from `start` through items entered at `.0` and left at `.1`, in `order`.
pub fn directed_travel(start: Point, items: &[(Point, Point)], order: &[usize]) -> f64 {
    let mut pos = start;
    let mut total = 0.0;
    for &i in order {
        total += pos.distance(items[i].0);
        pos = items[i].1;
    }
    total
}

/// The longest run one Or-opt move carries.
const OR_RUN: usize = 3;

/// Improves `order` of items entered at `.0` and left at `.1` (which cannot run backwards)
/// by moving runs of up to `OR_RUN` items to another place within `WINDOW`, while that
/// shortens the travel from `start`. Never makes the order longer.
pub fn or_opt(start: Point, items: &[(Point, Point)], order: &mut Vec<usize>) {
    let n = order.len();
    if n < 3 {
        return;
    }
    // The travel into position i and out of the item at i.
    let exit_before = |order: &[usize], i: usize| {
        if i == 0 { start } else { items[order[i - 1]].1 }
    };
    let entry_at = |order: &[usize], i: usize| order.get(i).map(|&k| items[k].0);
    let gap = |a: Point, b: Option<Point>| b.map_or(0.0, |b| a.distance(b));
    for _ in 0..PASSES {
        let mut improved = false;
        for len in 1..=OR_RUN.min(n - 1) {
            let mut i = 0;
            while i + len <= n {
                let j = i + len; // the run is order[i..j]
                let (first, last) = (items[order[i]].0, items[order[j - 1]].1);
                let before = exit_before(order, i);
                let after = entry_at(order, j);
                // What taking the run out saves.
                let saved = before.distance(first) + gap(last, after) - gap(before, after);
                // The best place for it: between positions k-1 and k of the order.
                let mut best = (saved - 1.0, usize::MAX);
                for k in i.saturating_sub(WINDOW)..=(j + WINDOW).min(n) {
                    if (i..=j).contains(&k) {
                        continue;
                    }
                    let prev = exit_before(order, k);
                    let next = entry_at(order, k);
                    let added = prev.distance(first) + gap(last, next) - gap(prev, next);
                    if added < best.0 {
                        best = (added, k);
                    }
                }
                if best.1 != usize::MAX {
                    let k = best.1;
                    let run: Vec<usize> = order.drain(i..j).collect();
                    let at = if k > j { k - len } else { k };
                    order.splice(at..at, run);
                    improved = true;
                }
                i += 1;
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

    #[test]
    fn or_opt_moves_a_straggler_into_its_row() {
        // Islands 10 mm apart in a row, each entered on its left and left on its right;
        // the order visits the middle one last, so the nozzle comes back for it.
        let items: Vec<(Point, Point)> = (0..8)
            .map(|i| {
                let x = i * 10_000;
                (Point::new(x, 0), Point::new(x + 5_000, 0))
            })
            .collect();
        let start = Point::new(-5_000, 0);
        let mut order = vec![0, 1, 2, 4, 5, 6, 7, 3];
        let before = directed_travel(start, &items, &order);
        or_opt(start, &items, &mut order);
        assert_eq!(order, (0..8).collect::<Vec<usize>>());
        let after = directed_travel(start, &items, &order);
        assert!(after < before * 0.5, "{after} vs {before}");
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

        #[test]
        fn or_opt_keeps_every_item_once_and_never_travels_more(
            pts in prop::collection::vec((0i64..50_000, 0i64..50_000, -3000i64..3000, -3000i64..3000), 1..80),
            sx in 0i64..50_000, sy in 0i64..50_000,
        ) {
            let items: Vec<(Point, Point)> = pts
                .iter()
                .map(|&(x, y, dx, dy)| (Point::new(x, y), Point::new(x + dx, y + dy)))
                .collect();
            let start = Point::new(sx, sy);
            let mut order: Vec<usize> = (0..items.len()).collect();
            let before = directed_travel(start, &items, &order);
            or_opt(start, &items, &mut order);
            let mut seen = order.clone();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..items.len()).collect::<Vec<_>>());
            prop_assert!(directed_travel(start, &items, &order) <= before + 1e-6);
        }
    }
}
