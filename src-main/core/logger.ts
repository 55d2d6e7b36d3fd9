/**
 * The core logs through this interface only, so each host decides where lines go
 * (Electron: a file in userData; web mode: stderr). Callers pass context as
 * fields, never secrets: a redaction pass here would only hide the mistake.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createStreamLogger(write: (line: string) => void): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
