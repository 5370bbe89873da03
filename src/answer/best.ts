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
