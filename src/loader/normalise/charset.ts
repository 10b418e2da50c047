/**
 * Bytes to text by the charset a file declares, as browsers and feed readers decode: HTML pages
 * (`<meta charset>`) and XML feeds (the XML declaration's `encoding`) share it.
 */
import iconv from 'iconv-lite';

const BOMS: Array<[number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

/** The charset a byte-order mark states, or null. */
export function bomCharset(bytes: Uint8Array): string | null {
  for (const [bom, label] of BOMS) if (bom.every((b, i) => bytes[i] === b)) return label;
  return null;
}

export type Decoded = { text: string; charset: string } | { problem: 'not-utf8' | 'parse-error'; reason: string };

/**
 * Decodes by the declared charset, its label read as the WHATWG Encoding Standard reads it
 * (TextDecoder: `iso-8859-1` and `latin1` mean windows-1252); with none, as UTF-8 when it is valid
 * and else windows-1252, the web's legacy default. Legacy charsets are decoded by iconv-lite:
 * Node 20's TextDecoder decodes windows-1252's 0x80-0x9F (curly quotes, the euro sign) as control
 * characters. `holder` names who declared it in a problem's reason ("the page", "the file").
 */
export function decodeDeclared(bytes: Uint8Array, declared: string | null, holder: string): Decoded {
  let encoding: string;
  try {
    encoding = new TextDecoder(declared ?? 'utf-8').encoding;
  } catch {
    return { problem: 'parse-error', reason: `unknown charset "${declared}" declared by ${holder}` };
  }
  if (encoding === 'utf-8' || encoding.startsWith('utf-16')) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), charset: encoding };
    } catch {
      if (declared !== null) return { problem: 'not-utf8', reason: `not valid ${encoding}, the charset ${holder} declares` };
      encoding = 'windows-1252';
    }
  }
  if (iconv.encodingExists(encoding)) return { text: iconv.decode(Buffer.from(bytes), encoding), charset: encoding };
  return { text: new TextDecoder(encoding).decode(bytes), charset: encoding };
}
