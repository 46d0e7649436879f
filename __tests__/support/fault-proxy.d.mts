/** Types of fault-proxy.mjs (see its header for what each fault does). */
export type FaultKind = 'none' | 'refuse' | 'reset' | '503' | 'every-second-503' | 'cut' | 'slow' | 'stall';
export type ProxyFault =
  | { kind: 'none' }
  | { kind: 'refuse' }
  | { kind: 'reset' | '503' | 'every-second-503' | 'stall'; path?: RegExp }
  | { kind: 'cut'; path?: RegExp; fraction?: number }
  | { kind: 'slow'; ms: number; path?: RegExp };
/** What the proxy did with a request; a connection reset before any request has an empty method and path. */
export type ProxyAction = 'passed' | 'reset' | '503' | 'cut' | 'slow' | 'stall' | 'error';
export interface ProxyRequest {
  method: string;
  path: string;
  action: ProxyAction;
}
export interface FaultProxy {
  readonly port: number;
  /** `127.0.0.1:PORT`, for a registry reference. */
  readonly host: string;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  fault(): ProxyFault;
  /** Switches the fault; resolves once it is in force (for `refuse`, once the port is closed). */
  set(fault: ProxyFault): Promise<void>;
  counts(): Record<ProxyAction, number>;
  /** Resolves once `action` was done `count` (default 1) times since the start or the last `clear()`. */
  until(action: ProxyAction, count?: number): Promise<void>;
  requests(): ProxyRequest[];
  /** Zeroes the counts and the request log. */
  clear(): void;
  close(): Promise<void>;
}
export declare const FAULT_KINDS: readonly FaultKind[];
/** `none`, `refuse`, `reset`, `503`, `every-second-503`, `stall`, `slow:<ms>`, `cut[:<fraction>]`, each with an optional `@<path regexp>`. */
export declare function parseFault(text: string): ProxyFault;
export declare function startFaultProxy(options: {
  upstream: string;
  fault?: ProxyFault;
  host?: string;
  port?: number;
}): Promise<FaultProxy>;
