// How fast this host is right now: a fixed CPU job (ms, lower is faster), run before and after a
// benchmark to tell a slow spell of a shared host from a change of ours (bench/RESULTS.md, session 11).
import { createHash } from 'node:crypto';
const buf = Buffer.alloc(1 << 20, 7);
let t = performance.now(); for (let i = 0; i < 300; i++) createHash('sha256').update(buf).digest(); const sha = performance.now() - t;
t = performance.now(); let m = new Map(); for (let i = 0; i < 2e6; i++) m.set('k' + (i % 50000), i); const js = performance.now() - t;
console.log(`sha256 300 MB ${sha.toFixed(0)} ms, map/string loop ${js.toFixed(0)} ms`);
