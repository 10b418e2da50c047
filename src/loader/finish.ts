/** The shared finishing step: a draft plus its provenance becomes a validated Article. */
import { Article } from '../articles/schema.js';
import { latestDate } from './dates.js';
import type { ArticleDraft } from './draft.js';
import { countWords, slugify } from './text.js';

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

/** Builds the record; related ids are filled in later, once every article is known. */
export function finishArticle(draft: ArticleDraft, p: Provenance): Article {
  const paragraphs = draft.paragraphs;
  const wordCount = paragraphs.reduce((n, para) => n + countWords(para), 0);
  let publishedAt = draft.publishedAt;
  let dateSource: Article['dateSource'] = publishedAt ? 'metadata' : null;
  if (!publishedAt) {
    publishedAt = latestDate(textsWithDates(draft));
    dateSource = publishedAt ? 'text' : null;
  }
  const sourceName = draft.sourceName?.trim() || null;
  const sourceId = sourceName ? slugify(p.sourceId ?? sourceName) : '';
  const article: Article = {
    id: p.id,
    slug: slugify(draft.title) || p.id,
    title: draft.title,
    source: sourceName && sourceId ? { id: sourceId, name: sourceName } : null,
    category: draft.category ?? p.folderCategory,
    byline: draft.byline,
    dateline: draft.dateline,
    publishedAt,
    dateSource,
    lead: paragraphs[0] ?? '',
    paragraphs,
    images: draft.images,
    cover: draft.cover,
    related: draft.relatedTitles.map((title) => ({ title, id: null })),
    attribution: draft.attribution,
    credits: draft.credits,
    tags: draft.tags,
    url: draft.url,
    language: draft.language ?? 'en',
    wordCount,
    readingTimeMinutes: Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE)),
    origin: { path: p.path, sha256: p.sha256, format: p.format, line: p.line },
  };
  return article;
}

function* textsWithDates(d: ArticleDraft): Iterable<string> {
  yield d.title;
  yield* d.paragraphs;
  for (const i of d.images) yield i.caption;
  if (d.cover?.caption) yield d.cover.caption;
  if (d.dateline) yield d.dateline.text;
}

/** Validates with zod once, at load, and freezes the record deeply. */
export function validateArticle(a: Article): { ok: true; article: Article } | { ok: false; reason: string } {
  const r = Article.safeParse(a);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, reason: `invalid record: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, article: deepFreeze(r.data) };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
