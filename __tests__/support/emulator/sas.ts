/**
 * SAS-like signed blob URLs. Path-style, as `@azure/storage-blob` expects for an IP host:
 * `http://127.0.0.1:PORT/<account>/<container>/<blob>?sv=…&sr=b&sp=…&se=…&sn=…&sig=…`.
 * A URL names one entry (by id), one permission set and one expiry; `sn` makes every URL unique.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ACCOUNT = 'emulatoraccount';
export const CONTAINER = 'actions-cache';
const SERVICE_VERSION = '2025-01-05';

export type SasPermission = 'r' | 'cw';

export type SasCheck =
  | { ok: true; entryId: number; permission: SasPermission; serial: number }
  | { ok: false; code: 'AuthenticationFailed' | 'InvalidUri'; message: string };

export class SasSigner {
  private serial = 0;
  private readonly revoked = new Set<number>();

  constructor(private readonly secret: string) {}

  reset(): void {
    this.serial = 0;
    this.revoked.clear();
  }

  blobPath(entryId: number): string {
    return `/${ACCOUNT}/${CONTAINER}/cache-entry-${entryId}`;
  }

  sign(baseUrl: string, entryId: number, permission: SasPermission, expiresAt: number): string {
    const serial = ++this.serial;
    const path = this.blobPath(entryId);
    const se = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const params = new URLSearchParams({ sv: SERVICE_VERSION, sr: 'b', sp: permission, se, sn: String(serial) });
    params.set('sig', this.signature(path, permission, se, serial));
    return `${baseUrl}${path}?${params.toString()}`;
  }

  /** Makes one URL fail from now on, as if it had expired. */
  revoke(serial: number): void {
    this.revoked.add(serial);
  }

  verify(pathname: string, query: URLSearchParams, now: number): SasCheck {
    const match = new RegExp(`^/${ACCOUNT}/${CONTAINER}/cache-entry-(\\d+)$`).exec(pathname);
    if (!match)
      return {
        ok: false,
        code: 'InvalidUri',
        message: 'The requested URI does not represent any resource on the server.'
      };
    const sp = query.get('sp');
    const se = query.get('se') ?? '';
    const serial = Number(query.get('sn'));
    const sig = query.get('sig') ?? '';
    const failed = (detail: string): SasCheck => ({
      ok: false,
      code: 'AuthenticationFailed',
      message: `Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. ${detail}`
    });
    if ((sp !== 'r' && sp !== 'cw') || !Number.isInteger(serial)) return failed('Signature fields not well formed.');
    const expected = Buffer.from(this.signature(pathname, sp, se, serial));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return failed('Signature did not match.');
    const expiry = Date.parse(se);
    if (!(expiry > now) || this.revoked.has(serial))
      return failed(`Signed expiry time [${se}] must be after the current time.`);
    return { ok: true, entryId: Number(match[1]), permission: sp, serial };
  }

  private signature(path: string, permission: string, se: string, serial: number): string {
    return createHmac('sha256', this.secret).update([path, permission, se, serial].join('\n')).digest('base64url');
  }
}
