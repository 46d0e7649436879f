/** How the action reaches the buildkitd it uses, and what post needs to stop it: saved in the state as JSON. */
export interface BuilderHandle {
  kind: 'auto' | 'docker-container' | 'address';
  /** What `envd context create --builder` takes. */
  envdBuilder: 'unix' | 'tcp' | 'kube-pod' | 'docker-container';
  /** `--builder-address`, without a scheme. */
  envdAddress: string;
  /** What `buildctl --addr` takes. */
  buildctlAddr: string;
  version?: string;
  pid?: number;
  sudo?: boolean;
  /** Started through sudo: where the wrapper writes buildkitd's own pid (`pid` is sudo's until it is read). */
  pidFile?: string;
  container?: string;
  logFile?: string;
  /** builder: auto — its own state directory (`--root`), inside daemonDir. */
  root?: string;
  /** builder: auto — the directory the action made for it under RUNNER_TEMP: socket, log, config, root. */
  daemonDir?: string;
  /** The record that lets later calls in the job find it (set by the call that started it). */
  record?: string;
  /** Started by an earlier call in this job: this call uses it and leaves it running. */
  reused?: boolean;
}
