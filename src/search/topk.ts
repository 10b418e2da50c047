/**
 * Top-k selection with a bounded binary heap: O(n log k) time, O(k) memory.
 *
 * Returns the **indices** (into `docs`/`scores`) of the best `k` entries after skipping the
 * first `offset` of the ranking (for pagination: `offset` = number of hits already shown),
 * ordered by descending score, ties broken by lower document number. NaN scores rank last.
 */
export function topK(docs: Uint32Array, scores: ArrayLike<number>, k: number, offset = 0): Uint32Array {
  const n = Math.min(docs.length, scores.length);
  const want = Math.min(n, Math.max(0, Math.floor(k)) + Math.max(0, Math.floor(offset)));
  if (want === 0 || k <= 0) return new Uint32Array(0);
  // min-heap of indices: root = worst of the kept ones
  const heap = new Uint32Array(want);
  let size = 0;
  const sc = (i: number): number => {
    const s = scores[i]!;
    return s === s ? s : -Infinity;
  };
  // true when a ranks worse than b
  const worse = (a: number, b: number): boolean => {
    const sa = sc(a);
    const sb = sc(b);
    return sa < sb || (sa === sb && docs[a]! > docs[b]!);
  };
  const siftDown = (pos: number): void => {
    const x = heap[pos]!;
    for (;;) {
      let c = 2 * pos + 1;
      if (c >= size) break;
      const r = c + 1;
      if (r < size && worse(heap[r]!, heap[c]!)) c = r;
      if (!worse(heap[c]!, x)) break;
      heap[pos] = heap[c]!;
      pos = c;
    }
    heap[pos] = x;
  };
  for (let i = 0; i < n; i++) {
    if (size < want) {
      // sift up
      let pos = size++;
      while (pos > 0) {
        const p = (pos - 1) >> 1;
        if (!worse(i, heap[p]!)) break;
        heap[pos] = heap[p]!;
        pos = p;
      }
      heap[pos] = i;
    } else if (worse(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  // pop all: worst first
  const ordered = new Uint32Array(size);
  for (let j = size - 1; j >= 0; j--) {
    ordered[j] = heap[0]!;
    heap[0] = heap[--size]!;
    siftDown(0);
  }
  return ordered.subarray(Math.min(ordered.length, Math.max(0, Math.floor(offset))));
}
