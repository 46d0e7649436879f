export type Layers = readonly (readonly string[])[];
export declare const LAYERS: Layers;
export declare const KNOWN_UPWARD: Readonly<Record<string, string>>;
export declare function importsOf(text: string, fileName: string): string[];
export declare function importGraph(root: string): Map<string, string[]>;
export declare function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][];
export declare function layerOf(file: string, layers: Layers): number | undefined;
export declare function upwardImports(
  graph: ReadonlyMap<string, readonly string[]>,
  layers: Layers
): [string, string | undefined, string][];
export interface Figures {
  files: number;
  imports: number;
  cycles: number;
  filesInCycles: number;
  upwardImports: number;
  knownUpward: number;
  unlayered: number;
}
export declare function check(
  root: string,
  options?: { layers?: Layers; known?: Readonly<Record<string, string>> }
): {
  graph: Map<string, string[]>;
  cycles: string[][];
  upward: [string, string | undefined, string][];
  figures: Figures;
  problems: string[];
};
