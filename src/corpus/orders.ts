/**
 * A version's sorted orders of document numbers (by id, newest, oldest) as an update makes the
 * next version's: the documents it removes leave each order and the ones it adds are merged in,
 * in one new array per order. Every version keeps its own arrays (a request may still be reading
 * an older version), so what an update costs here is one allocation of the corpus's size per
 * order and the copy into it; nothing else of that size is allocated on the way (a typed array's
 * memory is external to V8's heap and every megabyte of it advances the major GC's marking).
 */

const NONE = new Uint32Array(0);

/**
 * Above this many removed documents, `order` is first copied without them (one more array):
 * the merge below looks each position up past the removed ranks, one step per removed rank.
 */
const REMOVED_IN_PLACE = 64;

/**
 * `order` without the documents at ranks `removed` (sorted ascending, distinct), merged with the
 * sorted `added` (equal keys: `order`'s first). A few documents into many (an update) are placed
 * by binary search, the runs between them copied whole; `compare` is never called with a
 * removed document.
 */
export function mergeOrder(order: Uint32Array, removed: Uint32Array, added: Uint32Array, compare: (x: number, y: number) => number): Uint32Array {
  if (removed.length > REMOVED_IN_PLACE) return mergeOrder(without(order, removed), NONE, added, compare);
  const kept = order.length - removed.length;
  const out = new Uint32Array(kept + added.length);
  if (added.length === 0 && removed.length === 0) {
    out.set(order);
    return out;
  }
  // position in `order` of the v-th kept document (of `kept`: order.length)
  const at = (v: number): number => {
    let position = v;
    for (let r = 0; r < removed.length && removed[r]! <= position; r++) position++;
    return position;
  };
  let k = 0;
  // copies the kept documents of order[from, to)
  let nextRemoved = 0;
  const copy = (from: number, to: number): void => {
    while (nextRemoved < removed.length && removed[nextRemoved]! < from) nextRemoved++;
    while (from < to) {
      const stop = nextRemoved < removed.length && removed[nextRemoved]! < to ? removed[nextRemoved]! : to;
      out.set(order.subarray(from, stop), k);
      k += stop - from;
      from = stop === to ? to : stop + 1;
      if (stop !== to) nextRemoved++;
    }
  };
  if (added.length * 32 < kept) {
    let v = 0; // kept documents placed so far
    for (let j = 0; j < added.length; j++) {
      // the first kept document at or after v that sorts after added[j]
      let lo = v;
      let hi = kept;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compare(order[at(mid)]!, added[j]!) <= 0) lo = mid + 1;
        else hi = mid;
      }
      copy(at(v), at(lo));
      v = lo;
      out[k++] = added[j]!;
    }
    copy(at(v), order.length);
    return out;
  }
  let j = 0;
  let r = 0;
  for (let i = 0; i < order.length; i++) {
    if (r < removed.length && removed[r] === i) {
      r++;
      continue;
    }
    const doc = order[i]!;
    while (j < added.length && compare(doc, added[j]!) > 0) out[k++] = added[j++]!;
    out[k++] = doc;
  }
  while (j < added.length) out[k++] = added[j++]!;
  return out;
}

/** `order` without the documents at ranks `removed` (sorted ascending, distinct). */
export function without(order: Uint32Array, removed: Uint32Array): Uint32Array {
  const out = new Uint32Array(order.length - removed.length);
  let from = 0;
  let k = 0;
  for (const r of removed) {
    out.set(order.subarray(from, r), k);
    k += r - from;
    from = r + 1;
  }
  out.set(order.subarray(from), k);
  return out;
}

/** Each document's position in `order` (documents not in it: 0), for `space` document numbers. */
export function ranksOf(order: Uint32Array, space: number): Uint32Array {
  const ranks = new Uint32Array(space);
  for (let r = 0; r < order.length; r++) ranks[order[r]!] = r;
  return ranks;
}
