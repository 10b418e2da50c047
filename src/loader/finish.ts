/** The shared finishing step: a draft plus its provenance becomes a validated Article. */
import { createHash } from 'node:crypto';
import { bodyOf } from '../articles/record.js';
import { ArticleRecord, Source, type Article } from '../articles/schema.js';
import { countWords, slugify } from './normalise/clean.js';
import type { ArticleDraft } from './types.js';

const WORDS_PER_MINUTE = 230;

export interface Provenance {
  id: string;
  path: string;
  sha256: string;
  format: Article['origin']['format'];
  line: number | null;
  /** First folder below the data directory, if any. */
  folderCategory: string | null;
  /** Source id given by folder defaults, when the source came from there. */
  sourceId?: string | undefined;
}

const VALID_SOURCE_ID = Source.shape.id;

/**
 * An id for a source whose name has no Latin letters to slug (`صحيفة الخليج اليوم`): a short hash
 * of the name, the same for every article of that source, so the source is kept, not dropped.
 */
function nonLatinSourceId(name: string): string {
  return `source-${createHash('sha256').update(name.normalize('NFC')).digest('hex').slice(0, 10)}`;
}

/** Builds the record; related ids are filled in later, once every article is known. */
export function finishArticle(draft: ArticleDraft, p: Provenance): Article {
  // A paragraph is one line (records join paragraphs with line breaks): a break a format let
  // through is a space, never a file that stops the whole load.
  const paragraphs = draft.paragraphs.some((para) => para.includes('\n')) ? draft.paragraphs.map((para) => para.replace(/\s*\n\s*/gu, ' ')) : draft.paragraphs;
  const wordCount = paragraphs.reduce((n, para) => n + countWords(para), 0);
  const sourceName = draft.sourceName?.trim() || null;
  // An id the input states is kept as given when it is a valid id; otherwise one is made from it.
  const statedId = draft.sourceId ?? p.sourceId;
  const sourceId = sourceName ? (statedId && VALID_SOURCE_ID.safeParse(statedId).success ? statedId : slugify(statedId ?? sourceName) || nonLatinSourceId(sourceName)) : '';
  const article: Article = {
    id: p.id,
    slug: slugify(draft.title) || p.id,
    title: own(draft.title),
    source: sourceName && sourceId ? { id: sourceId, name: sourceName } : null,
    category: draft.category ?? p.folderCategory,
    byline: draft.byline,
    dateline: draft.dateline,
    publishedAt: draft.publishedAt,
    modifiedAt: draft.modifiedAt,
    dateSource: draft.publishedAt ? (draft.dateSource ?? 'metadata') : null,
    lead: own(paragraphs[0] ?? ''),
    body: own(bodyOf(paragraphs)),
    images: draft.images,
    cover: draft.cover,
    related: draft.related.map((r) => ({ title: r.title, id: null, url: r.url })),
    attribution: draft.attribution,
    credits: draft.credits,
    tags: draft.tags,
    url: draft.url,
    language: draft.language ?? 'en',
    wordCount,
    readingTimeMinutes: Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE)),
    origin: { path: own(p.path), sha256: p.sha256, format: p.format, line: p.line },
  };
  return article;
}

/**
 * A copy of the text that owns its characters. Lines cut out of a file's text are slices that
 * keep the whole file's string alive (chrome, blank lines, captions and all) beside any cleaned
 * copies, and paths joined from folder and file names are chains of pieces; records hold flat
 * strings of their own, so the file's string can go once loading is done.
 */
function own(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

const EMPTY: never[] = Object.freeze([]) as unknown as never[];

/**
 * Shares what many records hold alike, since records are immutable: one frozen empty array for
 * every empty list, one object per source, one string per category. At 100,000 articles that is
 * tens of megabytes. One per load: what it holds lives exactly as long as that load's records.
 */
export class RecordSharing {
  private readonly sources = new Map<string, NonNullable<Article['source']>>();
  private readonly categories = new Map<string, string>();

  /**
   * The record made in one object literal: every property in the object itself. A record built
   * key by key (zod's output, JSON.parse) keeps all but its first few properties in a separate
   * property array, about 32 bytes an article more (bench/RESULTS.md, "Heap, session 8").
   */
  share(a: Article): Article {
    const list = <T>(items: T[]): T[] => (items.length === 0 ? (EMPTY as T[]) : items);
    let category = a.category;
    if (category) {
      // Each record's category was its own slice of its path: one string per category instead.
      const shared = this.categories.get(category);
      if (shared) category = shared;
      else this.categories.set(category, (category = own(category)));
    }
    let source = a.source;
    if (source) {
      const key = `${source.id}\0${source.name}`;
      const shared = this.sources.get(key);
      if (shared) source = shared;
      else this.sources.set(key, source);
    }
    return {
      id: a.id,
      slug: a.slug,
      title: a.title,
      source,
      category,
      byline: a.byline,
      dateline: a.dateline,
      publishedAt: a.publishedAt,
      modifiedAt: a.modifiedAt,
      dateSource: a.dateSource,
      lead: a.lead,
      body: a.body,
      images: list(a.images),
      cover: a.cover,
      related: list(a.related),
      attribution: a.attribution,
      credits: list(a.credits),
      tags: list(a.tags),
      url: a.url,
      language: a.language,
      wordCount: a.wordCount,
      readingTimeMinutes: a.readingTimeMinutes,
      origin: a.origin,
    };
  }
}

/** Validates with zod once, at load, and freezes the record deeply. */
export function validateArticle(a: Article, sharing: RecordSharing): { ok: true; article: Article } | { ok: false; reason: string } {
  const r = ArticleRecord.safeParse(a);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, reason: `invalid record: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, article: deepFreeze(sharing.share(r.data)) };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
