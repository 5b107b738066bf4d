//! Data parallelism over independent items (layers). Natively this uses rayon's thread pool;
//! on wasm32 it runs in order, and the app spreads work over Web Workers instead.

/// `items.map(f)` in parallel where threads exist, keeping the order of `items`.
pub fn map<T, U, F>(items: &[T], f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(usize, &T) -> U + Sync + Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// `f(i)` for `i` in `0..n`, in parallel where threads exist, in order of `i`.
pub fn map_range<U, F>(n: usize, f: F) -> Vec<U>
where
    U: Send,
    F: Fn(usize) -> U + Sync + Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        (0..n).map(f).collect()
    }
}
