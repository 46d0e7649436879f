/**
 * Where the action's private directories go. buildkitd's socket lives under them, and a unix socket's path is
 * limited to 108 bytes (`sun_path`, Linux's `struct sockaddr_un`); the action's own suffixes
 * (`envd-bk-XXXXXX/buildkitd.sock`, `envd-cache-XXXXXX/…`) take about 40 of them. Pure.
 */

/** The longest base directory whose sockets stay within the limit. */
export const SOCKET_BASE_MAX = 59;

/** RUNNER_TEMP when it is set and short enough for the sockets under it; else undefined (the system temp dir). */
export function socketBase(runnerTemp: string | undefined): string | undefined {
  return runnerTemp && runnerTemp.length <= SOCKET_BASE_MAX ? runnerTemp : undefined;
}
