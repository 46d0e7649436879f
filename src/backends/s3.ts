/** `cache: s3`: an S3 bucket every branch shares, one name per ref; credentials may come from the AWS env. */
import { quoted } from '../cache/redact.js';
import { goBool, goDuration, nonEmpty, oneOf, positiveInteger } from '../cache/values.js';
import { locations } from './location.js';
import type { Backend } from './backend.js';
import { EI, ignoreError, ignoredByGzipOnly, mode } from './rules.js';

export const s3: Backend = {
  name: 's3',
  attributes: {
    bucket: { in: EI, check: nonEmpty },
    region: { in: EI, check: nonEmpty },
    prefix: { in: EI },
    blobs_prefix: { in: EI },
    manifests_prefix: { in: EI },
    name: { in: EI, check: nonEmpty },
    endpoint_url: {
      in: EI,
      check: (v) => (/^https?:\/\/[^\s]+$/.test(v) ? undefined : `${quoted(v)} is not an http(s) URL`)
    },
    use_path_style: { in: EI, check: goBool },
    access_key_id: { in: EI, check: nonEmpty, secret: true },
    secret_access_key: { in: EI, check: nonEmpty, secret: true },
    session_token: { in: EI, check: nonEmpty, secret: true },
    touch_refresh: { in: EI, check: goDuration },
    upload_parallelism: { in: EI, check: positiveInteger },
    retry_mode: { in: EI, check: oneOf('standard', 'adaptive') },
    retry_max_attempts: { in: EI, check: positiveInteger },
    disable_accept_encoding: { in: EI, check: goBool },
    mode,
    'ignore-error': ignoreError,
    ...ignoredByGzipOnly
  },
  required: { export: ['bucket', 'region'], import: ['bucket', 'region'] },
  crossChecks(direction, attrs) {
    if (direction === 'import' && (attrs.get('name') ?? '').includes(';'))
      return [`name=${quoted(attrs.get('name')!)}: an s3 import reads only the first name; give one name`];
    return [];
  },
  store: 'shared-store',
  savedInGithubCache: false,
  sharedLocations: (ctx) => locations(ctx.scope, ctx.rt),
  location({ inputs, rt, scope }, _direction, entry) {
    const o = inputs.cacheOptions;
    const a = rt.aws;
    const fromEnv: [string, string | undefined][] = [
      ['bucket', a.bucket],
      ['region', a.region],
      ['endpoint_url', a.endpointUrl],
      ['access_key_id', a.accessKeyId],
      ['secret_access_key', a.secretAccessKey],
      ['session_token', a.sessionToken]
    ];
    return [
      ['name', entry?.name ?? scope],
      ...fromEnv.filter((e): e is [string, string] => e[1] !== undefined && !o.has(e[0]))
    ];
  },
  probe: 's3-manifest',
  // Package caches: objects under the same prefix, one directory per branch name the layers use.
  mountsHome: (ctx) => ({
    store: 's3-object',
    prefix: ctx.inputs.cacheOptions.get('prefix') ?? '',
    names: locations(ctx.scope, ctx.rt)
  }),
  // bucket and region may come from the AWS environment (location above): one message names both ways.
  filledByAction: ['bucket', 'region'],
  missingMessage: (key) =>
    `cache: s3 needs ${key}: set cache-options: ${key}=… or the AWS_${key.toUpperCase()} environment variable`,
  companions: []
};
