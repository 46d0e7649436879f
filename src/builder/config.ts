/** buildkitd.toml as the action extends it. Pure. */
import { parse, stringify, TomlError } from 'smol-toml';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/**
 * The author's buildkitd config (already checked to be TOML) with `host` reachable over plain HTTP:
 * `[registry."<host>"] http = true` (BuildKit v0.32.2: cmd/buildkitd/config/config.go:40 maps `registry`,
 * util/resolver/config/config.go:5 reads `http` as plain HTTP). The table is written by smol-toml, so any host is quoted and escaped. It is appended to the author's
 * text, which stays as written; when that would not be TOML (the author defined the same host, or wrote
 * `registry` as an inline table), the document is merged and written anew, the author's settings kept.
 */
export function withPlainHttpRegistry(config: string, host: string): string {
  const table = stringify({ registry: { [host]: { http: true } } }).trimEnd();
  const author = config.trim();
  const appended = author ? `${author}\n${table}` : table;
  if (!author || parsesAsToml(appended)) return appended;
  let doc: Table;
  try {
    doc = parse(author);
  } catch (e) {
    if (e instanceof TomlError) return appended; // not TOML to begin with: buildkitd reports it
    throw e;
  }
  const registries = doc.registry ?? {};
  if (!isTable(registries)) return appended; // registry is not a table: buildkitd reports it
  const own = registries[host];
  return stringify({
    ...doc,
    registry: { ...registries, [host]: { ...(isTable(own) ? own : {}), http: true } }
  }).trimEnd();
}

function parsesAsToml(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch (e) {
    if (e instanceof TomlError) return false;
    throw e;
  }
}
