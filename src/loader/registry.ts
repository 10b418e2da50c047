/**
 * Input formats as plugins of one registry: each names its extensions and how to import its
 * parser. Parsers are imported only when a data directory holds files of their format (Markdown's
 * marked and yaml are a tenth of the server's module load time, HTML's DOM and Readability more),
 * and the imported set belongs to the load that asked for it: no module state.
 */
import type { Format, FormatParser } from './types.js';

export interface FormatPlugin {
  format: Format;
  extensions: readonly string[];
  /**
   * 'utf-8': the loader decodes the bytes strictly and reports a file that is not UTF-8;
   * 'bytes': the parser decodes them itself (HTML, by the charset the page declares).
   */
  input: 'utf-8' | 'bytes';
  load(): Promise<FormatParser>;
}

export const FORMATS: readonly FormatPlugin[] = [
  { format: 'txt', extensions: ['.txt'], input: 'utf-8', load: async () => (await import('./formats/text.js')).textFormat },
  { format: 'md', extensions: ['.md', '.markdown'], input: 'utf-8', load: async () => (await import('./formats/markdown.js')).markdownFormat },
  { format: 'json', extensions: ['.json'], input: 'utf-8', load: async () => (await import('./formats/json.js')).jsonFormat },
  { format: 'ndjson', extensions: ['.ndjson', '.jsonl'], input: 'utf-8', load: async () => (await import('./formats/json.js')).ndjsonFormat },
  { format: 'html', extensions: ['.html', '.htm'], input: 'bytes', load: async () => (await import('./formats/html.js')).htmlFormat },
  { format: 'xml', extensions: ['.xml', '.rss', '.atom'], input: 'bytes', load: async () => (await import('./formats/xml.js')).xmlFormat },
];

const BY_EXTENSION: ReadonlyMap<string, FormatPlugin> = new Map(FORMATS.flatMap((f) => f.extensions.map((e) => [e, f] as const)));

export function formatFor(fileName: string): FormatPlugin | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : BY_EXTENSION.get(fileName.slice(dot).toLowerCase());
}

/** The parsers the given files need, imported once for this load. */
export async function loadParsers(fileNames: readonly string[]): Promise<ReadonlyMap<Format, FormatParser>> {
  const needed = new Set<FormatPlugin>();
  for (const n of fileNames) {
    const f = formatFor(n);
    if (f) needed.add(f);
  }
  const parsers = new Map<Format, FormatParser>();
  for (const f of needed) parsers.set(f.format, await f.load());
  return parsers;
}
