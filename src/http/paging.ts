/** `next` links: the same path and query with the offset moved on, or null on the last page. */
export function nextPage(url: string, total: number, limit: number, offset: number): string | null {
  if (offset + limit >= total) return null;
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  params.set('limit', String(limit));
  params.set('offset', String(offset + limit));
  return `${q >= 0 ? url.slice(0, q) : url}?${params.toString()}`;
}
