/**
 * Per-language analysis (issue 12): each article is indexed with its language's Snowball stemmer
 * and stop words, a query is analysed in the language it names (English by default), and
 * `language=` filters and facets.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ArticleList, SearchResponse } from '../../src/http/schemas/index.js';
import { analyzerFor, ENGLISH, parseQuery, STEMMED_LANGUAGES, terms } from '../../src/search/index.js';
import { appFor, okJson, problem } from '../helpers/app.js';
import { tempDataDir } from '../helpers/paths.js';

describe('analyzers', () => {
  it('stem each language with its own Snowball stemmer, English as before', () => {
    expect(terms('The elections were postponed')).toEqual(['elect', 'postpon']);
    expect(terms('Les élections nationales ont été reportées', analyzerFor('fr'))).toEqual(['fr:elect', 'fr:national', 'fr:reporte']);
    expect(terms('Die Wahlen wurden verschoben', analyzerFor('de'))).toEqual(['de:wahl', 'de:verschob']);
    expect(terms('Las elecciones fueron aplazadas', analyzerFor('es'))).toEqual(['es:eleccion', 'es:aplaz']);
    expect(analyzerFor('en')).toBe(ENGLISH);
    expect(analyzerFor(undefined)).toBe(ENGLISH);
    for (const l of ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'ru', 'sv']) expect(STEMMED_LANGUAGES).toContain(l);
  });

  it('fold and keep words of a language without a stemmer, with no stop words', () => {
    expect(terms('Habari za asubuhi', analyzerFor('sw'))).toEqual(['sw:habari', 'sw:za', 'sw:asubuhi']);
  });

  it('use each language’s stop words: "les" and "der" are stop words in French and German, not in English', () => {
    expect(terms('les der', analyzerFor('fr'))).toEqual(['fr:der']);
    expect(terms('les der', analyzerFor('de'))).toEqual(['de:les']);
    expect(terms('les der')).toEqual(['le', 'der']); // Porter: les → le
  });

  it('never stem an English query as French, nor a French one as English', () => {
    const term = (q: string, language?: string) => (parseQuery(q, { analyzer: analyzerFor(language) }) as { term: string }).term;
    expect(term('reporter')).toBe('report');
    expect(term('reporter', 'fr')).toBe('fr:report');
    expect(term('nationales')).not.toMatch(/^fr:/);
    expect(term('nationales', 'fr')).toBe('fr:national');
  });
});

describe('GET /search and /articles with articles in several languages', async () => {
  const { app } = await appFor(
    tempDataDir({
      'en.txt': 'Elections postponed in the capital\n\nThe national elections were postponed on Monday, officials said, after days of protests.\n',
      'fr.txt': 'Les élections reportées dans la capitale\n\nLes élections nationales ont été reportées lundi, selon les autorités, après plusieurs jours de manifestations.\n',
      'de.txt': 'Wahlen in der Hauptstadt verschoben\n\nDie nationalen Wahlen wurden am Montag verschoben, teilten die Behörden nach tagelangen Protesten mit.\n',
    }),
  );
  afterAll(() => app.close());
  const search = async (qs: string) => okJson(await app.inject({ method: 'GET', url: `/search?${qs}` }), SearchResponse);
  const ids = (b: { items: Array<{ id: string }> }) => b.items.map((i) => i.id).sort();

  it('finds a French article by another form of its word only when the query is French', async () => {
    const fr = await search('q=manifestation&language=fr');
    expect(ids(fr)).toEqual(['fr']);
    expect(fr.items[0]!.snippet).toContain('<mark>manifestations</mark>');
    // in English it is not a form of the French word; matching nothing as typed, the query is
    // answered with typo tolerance (one letter away) and says so with a suggestion
    const en = await search('q=manifestation');
    expect(en.suggestion).toBe('manifestations');
    expect(ids(en)).toEqual(['fr']);
  });

  it('finds an English article by another form of its word with the English (default) analysis', async () => {
    expect(ids(await search('q=postponing'))).toEqual(['en']);
    expect(ids(await search('q=postponing&language=fr'))).toEqual([]);
  });

  it('drops the query language’s stop words only', async () => {
    expect(ids(await search('q=les+manifestations&language=fr'))).toEqual(['fr']);
    expect(ids(await search('q=les+manifestations'))).toEqual([]);
  });

  it('filters by language and counts a language facet over the whole result set', async () => {
    const all = await search('q=capital+OR+capitale+OR+hauptstadt&facets=language');
    expect(all.facets?.language).toEqual([
      { value: 'de', count: 1 },
      { value: 'en', count: 1 },
      { value: 'fr', count: 1 },
    ]);
    expect(ids(await search('q=capital+OR+capitale+OR+hauptstadt&language=de'))).toEqual(['de']);
    const list = okJson(await app.inject({ method: 'GET', url: '/articles?language=fr' }), ArticleList);
    expect(list.items.map((a) => a.id)).toEqual(['fr']);
  });

  it('answers a malformed language with a problem naming the parameter', async () => {
    const p = problem(await app.inject({ method: 'GET', url: '/articles?language=French' }), 400);
    expect(p.errors?.[0]).toMatchObject({ in: 'query', parameter: 'language' });
  });
});
