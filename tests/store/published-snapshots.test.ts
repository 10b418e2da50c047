import { describe, expect, it } from 'vitest';
import { copyByteaColumn } from '../../src/store/published-snapshots.js';

/** PostgreSQL's binary COPY of rows of one bytea column, as the server sends it. */
function copyBytes(values: Buffer[], fields = 1): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const v of values) {
    const head = Buffer.alloc(6);
    head.writeInt16BE(fields, 0);
    head.writeInt32BE(v.length, 2);
    parts.push(head, v);
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1, 0);
  parts.push(end);
  return Buffer.concat(parts);
}

async function* inChunks(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(stream: AsyncIterable<Buffer>): Promise<{ out: Buffer; written: number }> {
  const got: Buffer[] = [];
  const written = await copyByteaColumn(stream, async (b) => void got.push(Buffer.from(b)));
  return { out: Buffer.concat(got), written };
}

describe('copyByteaColumn (published snapshots come out of PostgreSQL by binary COPY)', () => {
  const values = [Buffer.from('first part '), Buffer.alloc(0), Buffer.from([0, 255, 1, 254, 10, 13]), Buffer.from('last')];
  const whole = Buffer.concat(values);

  it.each([1, 2, 3, 5, 7, 64, 10_000])('joins the values in order whatever the chunk size (%i bytes)', async (size) => {
    const { out, written } = await read(inChunks(copyBytes(values), size));
    expect(out.equals(whole)).toBe(true);
    expect(written).toBe(whole.length);
  });

  it('refuses a stream cut short, one of two columns, and one that is not binary COPY', async () => {
    const bytes = copyBytes(values);
    await expect(read(inChunks(bytes.subarray(0, bytes.length - 2), 4))).rejects.toThrow(/ended before its end marker/u);
    await expect(read(inChunks(bytes.subarray(0, 30), 4))).rejects.toThrow(/ended before/u);
    await expect(read(inChunks(copyBytes(values, 2), 4))).rejects.toThrow(/rows of 2 columns/u);
    await expect(read(inChunks(Buffer.from('id\tdata\n1\t\\x00\n'.repeat(3)), 4))).rejects.toThrow(/not PostgreSQL binary COPY/u);
  });
});
