// Pareto selection over (cost, loss), both minimised: the front `tune` shows, and the NSGA-II
// pieces its search ranks parents by (non-dominated sorting, crowding distance; Deb et al. 2002).

export interface ObjectivePoint {
  cost: number;
  loss: number;
}

/** a dominates b: no worse in both objectives and better in at least one. */
export function dominates(a: ObjectivePoint, b: ObjectivePoint): boolean {
  return a.cost <= b.cost && a.loss <= b.loss && (a.cost < b.cost || a.loss < b.loss);
}

/** Indices of the points no other point dominates (duplicates of a front point are all on it), ascending. */
export function paretoFront(points: readonly ObjectivePoint[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (!points.some((p, j) => j !== i && dominates(p, points[i]))) out.push(i);
  }
  return out;
}

/** Front number of each point: 0 for the Pareto front, 1 for the front once that is removed, ... */
export function nondominatedRanks(points: readonly ObjectivePoint[]): number[] {
  const rank = Array<number>(points.length).fill(-1);
  let remaining = points.map((_, i) => i);
  for (let r = 0; remaining.length > 0; r++) {
    const front = remaining.filter((i) => !remaining.some((j) => j !== i && dominates(points[j], points[i])));
    for (const i of front) rank[i] = r;
    remaining = remaining.filter((i) => rank[i] < 0);
  }
  return rank;
}

/** Crowding distance of each point within its own front (boundary points: Infinity). */
export function crowdingDistances(points: readonly ObjectivePoint[], ranks: readonly number[]): number[] {
  const dist = Array<number>(points.length).fill(0);
  const fronts = new Map<number, number[]>();
  ranks.forEach((r, i) => fronts.set(r, [...(fronts.get(r) ?? []), i]));
  for (const members of fronts.values()) {
    for (const key of ['cost', 'loss'] as const) {
      const sorted = [...members].sort((a, b) => points[a][key] - points[b][key]);
      const span = points[sorted[sorted.length - 1]][key] - points[sorted[0]][key];
      dist[sorted[0]] = Infinity;
      dist[sorted[sorted.length - 1]] = Infinity;
      for (let k = 1; k < sorted.length - 1; k++) {
        if (span > 0) dist[sorted[k]] += (points[sorted[k + 1]][key] - points[sorted[k - 1]][key]) / span;
      }
    }
  }
  return dist;
}

/**
 * The point to recommend: the cheapest whose loss is within the budget (ties: the smaller loss,
 * then the earlier index); -1 when none is.
 */
export function cheapestWithinBudget(points: readonly ObjectivePoint[], budget: number): number {
  let best = -1;
  points.forEach((p, i) => {
    if (!(p.loss <= budget)) return;
    if (best < 0 || p.cost < points[best].cost || (p.cost === points[best].cost && p.loss < points[best].loss)) best = i;
  });
  return best;
}
