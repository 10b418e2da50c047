/** /sources and /categories: the corpus's facets with their article counts. */
import { z } from 'zod';

export const CountedSource = z.object({ id: z.string(), name: z.string(), count: z.number().int() }).meta({ id: 'CountedSource' });
export const SourceList = z.object({ items: z.array(CountedSource) }).meta({ id: 'SourceList' });

export const CategoryList = z
  .object({ items: z.array(z.object({ name: z.string(), count: z.number().int() })) })
  .meta({ id: 'CategoryList' });
