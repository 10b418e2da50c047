/**
 * Page chrome: interface words that scrapers leave on lines of their own. A line whose whole
 * text (case-insensitive, trailing colon ignored) is in this list is dropped. Extend here.
 */
export const CHROME_LINES: ReadonlySet<string> = new Set(
  [
    'advertisement',
    'back to top',
    'comments',
    'copied',
    'copy link',
    'download',
    'email',
    'follow us',
    'listen',
    'listen to this article',
    'loading',
    'loading...',
    'more',
    'print',
    'scroll to continue',
    'search trends',
    'share',
    'share this article',
    'share this',
    'skip to content',
    'sponsored',
    'subscribe',
    'trending',
    'watch',
  ].map((s) => s.toLowerCase()),
);

const LONGEST = Math.max(...[...CHROME_LINES].map((l) => l.length)) + 2;

export function isChrome(line: string): boolean {
  return line.length <= LONGEST && CHROME_LINES.has(line.toLowerCase().replace(/[:\s]+$/u, ''));
}
