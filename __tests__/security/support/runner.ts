/**
 * Reads a step's stdout the way the GitHub Actions runner does and returns the workflow commands it would
 * run. The runner splits the output into lines on `\r\n`, `\n` and a lone `\r`, trims leading whitespace,
 * and treats a line starting with `::` (or the older `##[`) as a command; after `::stop-commands::<token>`
 * every command is inert until the line `::<token>::`.
 */

export interface RunnerCommand {
  /** The command name: error, warning, set-output, add-mask, group, … */
  name: string;
  /** The whole line as the runner saw it. */
  line: string;
}

/** The lines the runner reads from a stream. */
export function runnerLines(stdout: string): string[] {
  return stdout.split(/\r\n|\n|\r/);
}

function parse(line: string): RunnerCommand | undefined {
  const v2 = /^::([^\s:]+)(?:\s[^:]*)?::/.exec(line);
  if (v2) return { name: v2[1], line };
  const v1 = /^##\[([^\s\]]+)[^\]]*\]/.exec(line);
  if (v1) return { name: v1[1], line };
  return undefined;
}

/** The commands the runner would execute, in order; the stop/resume pair itself included. */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const commands: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const raw of runnerLines(stdout)) {
    const line = raw.trimStart();
    if (stopToken !== undefined) {
      if (line.trimEnd() === `::${stopToken}::`) {
        commands.push({ name: stopToken, line });
        stopToken = undefined;
      }
      continue;
    }
    const command = parse(line);
    if (!command) continue;
    commands.push(command);
    if (command.name === 'stop-commands') stopToken = line.slice('::stop-commands::'.length).trim();
  }
  return commands;
}
