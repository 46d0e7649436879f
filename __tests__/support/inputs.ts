/** Inputs as the runner would give them: action.yml defaults (expressions evaluated), then overrides. */
import { actionYml } from '../../scripts/harness.mjs';
import { type Inputs, parseInputs } from '../../src/inputs/inputs.js';
import type { Input } from '../../src/action/names.js';

const DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(actionYml().inputs).map(([name, spec]) => [
    name,
    String(spec.default ?? '')
      .replace('${{ github.token }}', 'ghs_unitTestToken')
      .replace('${{ toJSON(matrix) }}', 'null')
  ])
);

export function raw(overrides: Record<string, string> = {}): (name: Input) => string {
  const all = { ...DEFAULTS, ...overrides };
  return (name) => all[name] ?? '';
}

export function inputsOf(overrides: Record<string, string> = {}): Inputs {
  const { inputs, problems } = parseInputs(raw(overrides));
  if (!inputs) throw new Error(`invalid inputs: ${problems.map((p) => `${p.input}: ${p.message}`).join('; ')}`);
  return inputs;
}
