/** Sizes as workflow authors write them: B, KB/MB/GB/TB (powers of 10) and KiB/MiB/GiB/TiB (powers of 2). */

const UNITS: Record<string, bigint> = {
  b: 1n,
  kb: 10n ** 3n,
  mb: 10n ** 6n,
  gb: 10n ** 9n,
  tb: 10n ** 12n,
  kib: 2n ** 10n,
  mib: 2n ** 20n,
  gib: 2n ** 30n,
  tib: 2n ** 40n
};

/** The largest size accepted: 1 PB. More is a typo (GitHub's largest cache limits are terabytes). */
const MAX_SIZE = 10 ** 15;

export type SizeReading = { bytes: number } | { problem: 'not a size' | 'too large' | 'not whole' };

/** Reads a size exactly (decimal arithmetic, no float rounding): a whole number of bytes up to 1 PB. */
export function readSize(text: string): SizeReading {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([a-z]+)\s*$/i.exec(text);
  const unit = m && UNITS[m[3].toLowerCase()];
  if (!m || !unit) return { problem: 'not a size' };
  const fraction = m[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(m[1]) * scale + BigInt(fraction || '0')) * unit;
  if (scaled === 0n) return { problem: 'not a size' };
  if (scaled % scale !== 0n) return { problem: 'not whole' };
  const bytes = scaled / scale;
  if (bytes > BigInt(MAX_SIZE)) return { problem: 'too large' };
  return { bytes: Number(bytes) };
}

/** Bytes, or undefined when the text is not a valid size. */
export function parseSize(text: string): number | undefined {
  const r = readSize(text);
  return 'bytes' in r ? r.bytes : undefined;
}
