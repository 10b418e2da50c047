/** A small data directory with one wire report, three copies of it, a second story on the same strike, and an unrelated article. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, tempDataDir } from './paths.js';

const read = (name: string) => readFileSync(path.join(FIXTURES, 'stories', name), 'utf8').trim().split('\n');
export const WIRE = read('port-strike-wire.txt');
export const OTHER_STORY = read('port-strike-other.txt');

export const article = (o: { title: string; paragraphs: string[]; source: string; date: string; category: string; author?: string; image?: object }) =>
  JSON.stringify({ title: o.title, text: o.paragraphs.join('\n\n'), source: o.source, date_publish: o.date, category: o.category, ...(o.author ? { author: o.author } : {}), ...(o.image ? { image: o.image } : {}) });

export const STORY_FILES: Record<string, string> = {
  'wire.json': article({
    title: 'Dock workers strike at three largest ports',
    paragraphs: WIRE,
    source: 'Reuters',
    date: '2022-06-13T08:00:00Z',
    category: 'business',
    author: 'Jane Doe',
    image: { url: 'https://img.example.com/port.jpg', caption: 'Cranes stand idle at the northern terminal', credit: 'Reuters' },
  }),
  'planet.json': article({ title: 'Ports at a standstill', paragraphs: WIRE.slice(0, 4), source: 'Daily Planet', date: '2022-06-13T10:00:00Z', category: 'Business' }),
  'gazette.json': article({
    title: 'Strike hits the shelves',
    paragraphs: ['Shoppers could face empty shelves within days, our business editor writes, as the walkout at the ports bites.', ...WIRE.slice(1)],
    source: 'Gazette',
    date: '2022-06-14T07:00:00Z',
    category: 'business',
  }),
  'wire-update.json': article({
    title: 'UPDATE 1-Dock workers strike at three largest ports',
    paragraphs: [...WIRE, 'Later on Monday the union said picket lines would be extended to two smaller harbours.'],
    source: 'Reuters',
    date: '2022-06-13T12:00:00Z',
    category: 'business',
  }),
  'strike-ends.json': article({ title: 'Port strike ends with pay deal', paragraphs: OTHER_STORY, source: 'Reuters', date: '2022-06-16T09:00:00Z', category: 'business' }),
  'rates.json': article({
    title: 'Central bank holds rates',
    paragraphs: [
      'The central bank left its main interest rate unchanged on Wednesday, saying inflation was easing faster than it had expected in the spring and that the labour market was cooling.',
      'Two of the nine members of the rate-setting committee voted for a cut, the minutes showed, and markets now expect the first reduction before the end of the year.',
    ],
    source: 'CGTN',
    date: '2022-06-15T09:00:00Z',
    category: 'politics',
  }),
};

export const storyDataDir = () => tempDataDir(STORY_FILES);
