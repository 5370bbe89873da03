/**
 * The `want` best of the first `count` of `items`, best first, by `better` (a strict order:
 * `better(a, b)` is true when a ranks before b). A min-heap of the best so far rather than a
 * sort when there are many: a search for a common word matches a good share of every passage.
 */
export function bestOf(
  items: ArrayLike<number>,
  count: number,
  want: number,
  better: (a: number, b: number) => boolean,
): number[] {
  const order = (a: number, b: number): number => (better(a, b) ? -1 : better(b, a) ? 1 : 0);
  if (count <= want * 4 || count < 256)
    return Array.from({ length: count }, (_, i) => items[i]!)
      .sort(order)
      .slice(0, want);
  // The heap's root is the worst of the best so far.
  const heap: number[] = [];
  for (let k = 0; k < count; k++) {
    const p = items[k]!;
    if (heap.length < want) {
      heap.push(p);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent]!, heap[i]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (better(p, heap[0]!)) {
      heap[0] = p;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
        if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
        if (worst === i) break;
        [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
        i = worst;
      }
    }
  }
  return heap.sort(order);
}

/**
 * The `want` of the first `count` of `items` with the highest `score[item]`, best first, ties to
 * the lower item: what `bestOf` gives for that order, with the comparison written out and the
 * heap in a typed array. Retrieval ranks a few thousand matching passages per question with it.
 */
export function bestByScore(
  items: ArrayLike<number>,
  count: number,
  want: number,
  score: ArrayLike<number>,
): number[] {
  const size = Math.max(0, Math.min(want, count));
  // The heap's root is the worst of the best so far: a parent ranks after its children.
  const heap = new Int32Array(size);
  let filled = 0;
  for (let k = 0; k < count; k++) {
    const p = items[k]!;
    const s = score[p]!;
    if (filled < size) {
      let i = filled++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const q = heap[parent]!;
        const sq = score[q]!;
        // Stop once the parent ranks after p.
        if (sq < s || (sq === s && q > p)) break;
        heap[i] = q;
        i = parent;
      }
      heap[i] = p;
      continue;
    }
    if (size === 0) break;
    const root = heap[0]!;
    const sr = score[root]!;
    if (!(s > sr || (s === sr && p < root))) continue;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      // The child ranking last, if it ranks after p, moves up.
      let c = l;
      const r = l + 1;
      if (r < size) {
        const a = heap[l]!;
        const b = heap[r]!;
        const sa = score[a]!;
        const sb = score[b]!;
        if (sb < sa || (sb === sa && b > a)) c = r;
      }
      const q = heap[c]!;
      const sq = score[q]!;
      if (!(sq < s || (sq === s && q > p))) break;
      heap[i] = q;
      i = c;
    }
    heap[i] = p;
  }
  return Array.from(heap).sort((a, b) => score[b]! - score[a]! || a - b);
}

/** Number of bits set in a 32-bit mask. */
export function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

/** `n` truncated to a whole number within [min, max]; `min` for NaN and ±Infinity. */
export function clampInt(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : min;
}
