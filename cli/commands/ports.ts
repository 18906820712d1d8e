// Port options, apart from the commands that use them: importing one from another command's
// file loads that command's part of Gatehouse (cli/program.ts loads one group per command line).

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`"${value}" is not a TCP port (1-65535)`);
  return port;
}

/** A port, or 0 for any free one. */
export function parsePortOrZero(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`"${value}" is not a TCP port (0-65535)`);
  return port;
}
