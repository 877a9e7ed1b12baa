// Small statistics helpers: nearest-rank percentiles over sorted copies.
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (values) => percentile(values, 50);

/** Median of one numeric field over run records, skipping runs without it. */
export function medianOf(runs, pick) {
  const v = runs.map(pick).filter((x) => typeof x === "number" && Number.isFinite(x));
  return v.length ? median(v) : null;
}
