/**
 * Reading what comes from outside — an HTTP answer, a Docker config, a token's claims, a record main saved for
 * post — without throwing: a parse gives the value, or the reason it could not.
 */

/** A parse that says why instead of throwing. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Parses JSON, then checks its shape; never throws. The reason never quotes the text (V8's messages do, and the
 * text may be a token or a credential helper's secret): its length, and where it broke when V8 says.
 */
export function parseJson<T>(text: string, check: (value: unknown) => Parsed<T>): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    return { ok: false, reason: `not JSON (${text.length} bytes${at !== undefined ? `, broken at ${at}` : ''})` };
  }
  return check(value);
}
