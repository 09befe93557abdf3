/** Tiny archives in every layout, made from one small simulated archive (fixtures made by code, not committed). */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { synthesize, type SynthResult } from '../../src/data/kuairec/index.js';
import { scratchDir } from '../scratch.js';

/** A scratch folder, removed when the test file ends (test/scratch.ts). */
export async function tempDir(prefix: string): Promise<string> {
  return scratchDir(prefix);
}

/** Every member of a zip file as name → bytes (small fixtures only). */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('/')) continue;
    const stream = await zip.openReadStreamPromise(entry);
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    out.set(entry.fileName, Buffer.concat(parts));
  }
  zip.close();
  return out;
}

export async function writeZip(path: string, files: Map<string, Buffer>, compress = true): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) zip.addBuffer(data, name, { compress, mtime: new Date(2022, 0, 1) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  await fsp.writeFile(path, Buffer.concat(chunks));
}

export interface Layouts {
  dir: string;
  synth: SynthResult;
  outer: string;          // outer zip, inner stored (as written by the simulator)
  outerDeflated: string;  // outer zip, inner deflated
  inner: string;          // bare KuaiRec.zip
  folder: string;         // extracted "KuaiRec 2.0"
  innerFiles: Map<string, Buffer>;
}

export const TINY = { users: 12, days: 14, videos: 40, seed: 11, eventsPerDay: 6 };

export async function makeLayouts(): Promise<Layouts> {
  const dir = await tempDir('layouts');
  const synth = await synthesize({ ...TINY, out: join(dir, 'outer', '18164998.zip') });
  const outerFiles = await readZip(synth.archive);
  const innerZip = outerFiles.get('KuaiRec.zip')!;
  const inner = join(dir, 'KuaiRec.zip');
  await fsp.writeFile(inner, innerZip);
  const innerFiles = await readZip(inner);
  const folder = join(dir, 'extracted', 'KuaiRec 2.0');
  await fsp.mkdir(join(folder, 'data'), { recursive: true });
  for (const [name, data] of innerFiles) {
    if (name.startsWith('KuaiRec 2.0/data/')) await fsp.writeFile(join(folder, 'data', name.slice('KuaiRec 2.0/data/'.length)), data);
  }
  const outerDeflated = join(dir, 'deflated', '18164998.zip');
  await fsp.mkdir(join(dir, 'deflated'));
  await writeZip(outerDeflated, new Map([['KuaiRec.zip', innerZip], ['kuairec_caption_category.csv', outerFiles.get('kuairec_caption_category.csv')!]]), true);
  return { dir, synth, outer: synth.archive, outerDeflated, inner, folder, innerFiles };
}

/** Reference parse of a simple CSV (no quotes) with split/Number: what the reader must agree with. */
export function naiveNumericColumns(text: string): Record<string, number[]> {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const out: Record<string, number[]> = Object.fromEntries(header.map((h) => [h, [] as number[]]));
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    header.forEach((h, i) => out[h].push(cells[i] === '' ? NaN : Number(cells[i])));
  }
  return out;
}
