// Prints the envd and BuildKit versions action.yml installs by default, as GITHUB_OUTPUT lines
// (`envd=v…`, `buildkit=v…`): the e2e contract job installs those, so the versions are written in one place.
import { actionYml } from './harness.mjs';

const inputs = actionYml().inputs;
console.log(`envd=${inputs['envd-version'].default}`);
console.log(`buildkit=${inputs['buildkit-version'].default}`);
