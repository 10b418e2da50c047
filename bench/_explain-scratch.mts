// scratch: per sampled two-term query, time the branch's relevance SQL pieces with EXPLAIN ANALYZE
import pg from 'pg';
import { mulberry32 } from '/work/wt/s10sql/bench/lib/prng.js';
import { terms } from '/work/wt/s10sql/bench/lib/queries.js';
const url = process.argv[2]!; const n = Number(process.argv[3] ?? 30); const seed = Number(process.argv[4] ?? 1);
const sqlOf = process.argv[5] ?? 'window';
const pool = new pg.Pool({ connectionString: url, max: 1 });
const random = mulberry32(seed);
const size = Number((await pool.query('SELECT count(*) n FROM articles')).rows[0].n);
const out: Array<[number, string, string]> = [];
for (let i = 0; i < n; i++) {
  const pos = Math.floor(random() * size);
  const r = await pool.query(`SELECT record->>'title' AS title, array_to_string(ARRAY(SELECT jsonb_array_elements_text(record->'paragraphs')), ' ') AS body FROM articles WHERE id = (SELECT id FROM articles ORDER BY id OFFSET $1 LIMIT 1)`, [pos]);
  const words = [...new Set(terms(`${r.rows[0].title} ${r.rows[0].body}`))];
  const a = words[Math.floor(random() * words.length)]!; let b = words[Math.floor(random() * words.length)]!;
  const tsq = `('${a}' & '${b}')`;
  const q = sqlOf === 'window'
    ? `SELECT a.id FROM articles a WHERE a.search_tsv @@ to_tsquery('english', $1) ORDER BY a.published_at DESC NULLS LAST, a.id LIMIT 1000`
    : sqlOf === 'count' ? `SELECT count(*) FROM articles a WHERE a.search_tsv @@ to_tsquery('english', $1)`
    : `SELECT count(*) FROM (SELECT 1 FROM articles a WHERE a.search_tsv @@ to_tsquery('english', $1) LIMIT 1000) m`;
  const e = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q}`, [tsq]);
  const plan = e.rows[0]['QUERY PLAN'][0];
  const nodes: string[] = [];
  const walk = (p: any, d: number) => { nodes.push(`${' '.repeat(d)}${p['Node Type']}${p['Index Name'] ? '(' + p['Index Name'] + ')' : ''} rows=${p['Actual Rows']} est=${p['Plan Rows']} t=${p['Actual Total Time']?.toFixed(1)}${p['Rows Removed by Filter'] ? ' removed=' + p['Rows Removed by Filter'] : ''}${p['Lossy Heap Blocks'] ? ' lossy=' + p['Lossy Heap Blocks'] : ''} hit=${p['Shared Hit Blocks']} read=${p['Shared Read Blocks']}`); for (const c of p.Plans ?? []) walk(c, d + 1); };
  walk(plan.Plan, 0);
  out.push([plan['Execution Time'], `${a} ${b}`, nodes.join('\n')]);
}
out.sort((x, y) => x[0] - y[0]);
for (const [t, q, p] of out) console.log(`${t.toFixed(1)} ms  ${q}\n${p}`);
console.log('p50', out[Math.floor(out.length * 0.5)]![0].toFixed(1), 'p95', out[Math.floor(out.length * 0.95)]![0].toFixed(1));
await pool.end();
