/** `cache: inline`: the cache travels inside the pushed image; it is read back as a registry cache. */
import { quoted } from '../cache/redact.js';
import { Input } from '../action/names.js';
import type { Backend } from './backend.js';
import { E } from './rules.js';

export const inline: Backend = {
  name: 'inline',
  attributes: {
    // BuildKit's inline exporter reads no attributes; mode is accepted only as min (the only mode it has).
    mode: {
      in: E,
      check: (v) =>
        v === 'min' ? undefined : `${quoted(v)}: inline cache supports only mode=min; use cache: registry for mode=max`
    }
  },
  required: { export: [], import: [] },
  store: 'image',
  savedInGithubCache: false,
  location: () => [],
  // BuildKit's inline exporter reads no attributes but the ones given; it has no mode of its own to set.
  exportAttrs: (options) => options,
  // There is no inline importer: the cache travels inside the pushed image and is read back as a registry cache.
  readBack: {
    reason: 'inline cache is read back from the output image as a registry cache',
    as: ({ inputs }) => ({ type: 'registry', attrs: [['ref', inputs.output!.imageName!]] }),
    noImporter:
      'type=inline cannot be imported: BuildKit has no inline importer; import type=registry,ref=<the output image> instead'
  },
  fixedMode: {
    mode: 'min',
    reason: 'inline cache is always min',
    otherProblem: (other) =>
      `"${other}" is not possible with cache: inline, which stores only the final image's layers (min); use cache: registry for ${other}`
  },
  writeTarget: () => 'the output image, which carries the cache',
  companions: [],
  noMounts:
    'cache: inline keeps the cache inside the pushed image, which has no place for package caches; use cache: registry, which keeps them as artifacts beside its layers',
  inputProblems: ({ output }) =>
    output?.image && output.push
      ? []
      : [
          {
            input: Input.Output,
            message:
              'cache: inline stores the cache inside the pushed image: set output to type=image,name=<registry>/<image>:<tag>,push=true'
          }
        ]
};
