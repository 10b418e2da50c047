/**
 * Page chrome: interface words that scrapers leave on lines of their own. A line whose whole
 * text (case-insensitive, trailing colon ignored) is in the list is dropped. A data folder can
 * add lines of its own in a `_chrome.txt` beside its `_source.json` (see walk.ts), so a new
 * outlet's interface words need no code edit.
 */
const BUILT_IN = [
  'advertisement',
  'back to top',
  'comments',
  'copied',
  'copy link',
  'copy link copied',
  'link copied',
  'facebook',
  'linkedin',
  'menu',
  'pinterest',
  'read later',
  'reddit',
  'remove',
  'search',
  'see all',
  'share on facebook',
  'share on x',
  'share on twitter',
  'share via email',
  'telegram',
  'twitter',
  'whatsapp',
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
];

function key(line: string): string {
  return line.toLowerCase().replace(/[:\s]+$/u, '');
}

/** An immutable list of chrome lines; `extend` gives a new list for a folder. */
export class ChromeList {
  private readonly lines: ReadonlySet<string>;
  /** Lines longer than every entry are never chrome: most lines are rejected on length alone. */
  private readonly longest: number;

  constructor(lines: Iterable<string>) {
    this.lines = new Set([...lines].map(key).filter(Boolean));
    this.longest = Math.max(0, ...[...this.lines].map((l) => l.length)) + 2;
  }

  has(line: string): boolean {
    return line.length <= this.longest && this.lines.has(key(line));
  }

  extend(more: Iterable<string>): ChromeList {
    return new ChromeList([...this.lines, ...more]);
  }

  get size(): number {
    return this.lines.size;
  }

  /** The lines, sorted: equal lists give equal fingerprints (a reload's parse cache compares them). */
  get fingerprint(): string {
    return [...this.lines].sort().join('\n');
  }
}

export const DEFAULT_CHROME = new ChromeList(BUILT_IN);

export function isChrome(line: string): boolean {
  return DEFAULT_CHROME.has(line);
}
