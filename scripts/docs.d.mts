export interface Block {
  file: string;
  name: string;
  kind: 'inputs' | 'outputs';
  names?: string[];
}
export declare const BLOCKS: Block[];
export declare function renderTable(yml: Record<string, unknown>, kind: 'inputs' | 'outputs', names?: string[]): string;
export declare function withBlock(text: string, block: Block, table: string): string;
export declare function staleFiles(root?: string): { file: string; text: string }[];
