/** The unused exports of `root`'s src/ (file:line name); default the repository. */
export declare function unusedExports(root?: string): string[];
