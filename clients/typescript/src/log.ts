// One line per event on stderr (the core captures a launched process's stderr into its
// log); the level comes from POLYCONNECT_LOG_LEVEL (DEBUG, INFO, WARN, ERROR).
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, WARNING: 30, ERROR: 40 } as const;
type Level = keyof typeof LEVELS;

let threshold: number = LEVELS[(process.env.POLYCONNECT_LOG_LEVEL?.toUpperCase() as Level) ?? "INFO"] ?? 20;

export function setLogLevel(level: Level): void {
  threshold = LEVELS[level];
}

function write(level: Level, tag: string, message: string, error?: unknown): void {
  if (LEVELS[level] < threshold) return;
  let line = `${new Date().toISOString()} ${level} [${tag}] ${message}`;
  if (error !== undefined) line += `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(line.replace(/\r?\n/g, "\\n") + "\n");
}

/** A logger tagged with a connector (and task). */
export class Logger {
  constructor(readonly tag: string) {}
  debug(m: string): void { write("DEBUG", this.tag, m); }
  info(m: string): void { write("INFO", this.tag, m); }
  warn(m: string, e?: unknown): void { write("WARN", this.tag, m, e); }
  error(m: string, e?: unknown): void { write("ERROR", this.tag, m, e); }
}

export const log = new Logger("polyconnect");
