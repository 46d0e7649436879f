export interface TestCerts {
  dir: string;
  ca: string;
  daemonCert: string;
  daemonKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing the daemon trusts, and a client certificate it signed. */
  rogueCa: string;
  rogueClientCert: string;
  rogueClientKey: string;
}
/** Throw-away certificates made with openssl in `dir`; the daemon's for `names` (default 127.0.0.1, localhost). */
export declare function makeCerts(dir: string, names?: string[]): TestCerts;
