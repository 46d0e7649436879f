/**
 * The leak scanner: looks for a secret in everything one run of the bundle wrote where a reader can see
 * it (stdout except the `::add-mask::` lines that register secrets with the runner, stderr, and the
 * outputs, state, env, path and summary files), in every form a careless encoder could give it: raw,
 * base64, base64url, URL-encoded, and every 12-character piece (a secret cut short is still a leak).
 */

/** What scripts/harness.mjs runPhase returns, as far as the scanner needs it. */
export interface Written {
  stdout: string;
  stderr: string;
  files: Record<string, string>;
}

/** The shortest piece of a secret that counts as a leak. */
export const PIECE = 12;

/** Every form of a secret the scanner looks for, with a name for the report. */
export function formsOf(secret: string): [string, string][] {
  const forms: [string, string][] = [['raw', secret]];
  const b64 = Buffer.from(secret).toString('base64');
  forms.push(
    ['base64', b64],
    ['base64 unpadded', b64.replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')]
  );
  const url = encodeURIComponent(secret);
  if (url !== secret) forms.push(['url-encoded', url]);
  for (let i = 0; i + PIECE <= secret.length; i++)
    forms.push([`characters ${i}-${i + PIECE - 1}`, secret.slice(i, i + PIECE)]);
  return forms;
}

/** The places a run wrote, by name; stdout without the lines that register secrets. */
export function placesOf(run: Written, label = ''): [string, string][] {
  return [
    [
      `${label}stdout`,
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n')
    ],
    [`${label}stderr`, run.stderr],
    ...Object.entries(run.files).map(([name, text]): [string, string] => [`${label}${name}`, text])
  ];
}

/** Every leak found, as `secret #i (<form>) in <place>: …context…`; empty when there is none. */
export function leaks(runs: Written[], secrets: string[]): string[] {
  const found: string[] = [];
  const places = runs.flatMap((r, i) => placesOf(r, runs.length > 1 ? `run ${i + 1} ` : ''));
  secrets.forEach((secret, i) => {
    if (secret === '') throw new Error(`secret #${i} is empty: the scan would prove nothing`);
    for (const [form, text] of formsOf(secret)) {
      for (const [place, content] of places) {
        const at = content.indexOf(text);
        if (at >= 0)
          found.push(
            `secret #${i} (${form}) in ${place}: …${content.slice(Math.max(0, at - 40), at + text.length + 40)}…`
          );
      }
    }
  });
  return found;
}

/** The values registered with `::add-mask::`, in order. */
export function masked(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => l.slice('::add-mask::'.length));
}

/** True when every `::add-mask::` line comes before the first other line: secrets are registered first. */
export function maskedFirst(stdout: string): boolean {
  const lines = stdout.split('\n').filter((l) => l !== '');
  const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
  return firstOther < 0 || lines.slice(firstOther).every((l) => !l.startsWith('::add-mask::'));
}
