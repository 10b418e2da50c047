import type { Cover, Dateline, Image } from '../articles/schema.js';

/**
 * What a format parser extracts from one input article before the shared finishing step
 * (ids, slugs, derived fields, related ids, validation). Metadata fields are null when the
 * input did not state them.
 */
export interface ArticleDraft {
  title: string;
  sourceName: string | null;
  byline: string | null;
  dateline: Dateline | null;
  paragraphs: string[];
  images: Image[];
  cover: Cover | null;
  relatedTitles: string[];
  attribution: string | null;
  credits: string[];
  tags: string[];
  url: string | null;
  /** From explicit metadata only; text dates are found in the finishing step. */
  publishedAt: string | null;
  category: string | null;
  language: string | null;
}

/** What normalisation removed, counted for the data checker. */
export interface NormalisationCounts {
  chromeLines: number;
  duplicateLines: number;
}

export function emptyDraft(title: string): ArticleDraft {
  return {
    title,
    sourceName: null,
    byline: null,
    dateline: null,
    paragraphs: [],
    images: [],
    cover: null,
    relatedTitles: [],
    attribution: null,
    credits: [],
    tags: [],
    url: null,
    publishedAt: null,
    category: null,
    language: null,
  };
}
