/**
 * The built image, after a successful build: which image to ask about (a pushed tag in its registry, or the
 * image loaded into Docker), and how the answer is shown. Pure. envd discards BuildKit's solve result, so
 * there is no digest from the build itself: it is read back from where the image went.
 */
import { repositoryOf } from '../cache/image-ref.js';
import { parseGoBool } from '../cache/values.js';
import type { OutputSpec } from '../inputs/output.js';
import { cell, code, MAX_SENTENCE } from '../text/text.js';

/** Where the image went, and so what can be read about it. */
export type ImageTarget =
  | { kind: 'registry'; name: string; repository: string; insecure: boolean }
  | { kind: 'docker'; name: string }
  | { kind: 'none'; why: string };

/** What was read about the built image; every field empty when nothing could be. */
export interface ImageFacts {
  /** The name asked about (the output's first name, or the tag loaded into Docker). */
  name?: string;
  /** `sha256:…` of the pushed manifest or index. */
  digest?: string;
  /** `<repository>@<digest>`: the pushed image pinned. */
  image?: string;
  /** `sha256:…` of the image loaded into Docker (`docker image inspect`). */
  imageId?: string;
  /** Why the digest or image ID could not be read (also given as a warning or debug line). */
  why?: string;
}

/**
 * What to read: a pushed image (`type=image|registry` with push) by its first name; an image loaded into Docker
 * (no output, or `type=docker` without `dest`) by the tag envd gave it. `tag` is the `--tag` the action passes
 * envd; several platforms make envd suffix it per platform, so no single image ID exists then.
 */
export function imageTarget(output: OutputSpec | undefined, tag: string, platform?: string): ImageTarget {
  if (output?.push && output.image && output.imageName) {
    const insecure = parseGoBool(output.attrs.get('registry.insecure') ?? 'false') === true;
    return { kind: 'registry', name: output.imageName, repository: repositoryOf(output.image), insecure };
  }
  if (output && output.type !== 'docker')
    return {
      kind: 'none',
      why: `output type=${output.type}${output.push ? '' : ' without push=true'} leaves no image in a registry or in Docker`
    };
  if (output?.attrs.has('dest'))
    return { kind: 'none', why: 'output type=docker with dest= writes a tarball; nothing is loaded into Docker' };
  if (platform?.includes(','))
    return { kind: 'none', why: 'several platforms: envd loads one image per platform, under suffixed tags' };
  // type=docker takes its name from name=, else the tag.
  const name = output?.attrs.get('name')?.split(',')[0].trim() || tag;
  return { kind: 'docker', name };
}

/** A digest read from a registry, as the pushed image pinned. */
export function pinned(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

/** The summary section: the pinned image, or why it is not known. Empty when there is nothing to say. */
export function imageMarkdown(facts: ImageFacts | undefined): string {
  if (!facts || (!facts.digest && !facts.imageId && !facts.why)) return '';
  const lines = ['### Image', '', '| | |', '|---|---|'];
  if (facts.name) lines.push(`| Name | ${code(facts.name)} |`);
  if (facts.image) lines.push(`| Image | ${code(facts.image, MAX_SENTENCE)} |`);
  if (facts.digest) lines.push(`| Digest | ${code(facts.digest)} |`);
  if (facts.imageId) lines.push(`| Image ID | ${code(facts.imageId)} |`);
  if (!facts.digest && !facts.imageId && facts.why)
    lines.push(`| Digest | not read: ${cell(facts.why, MAX_SENTENCE)} |`);
  lines.push('');
  return lines.join('\n');
}
