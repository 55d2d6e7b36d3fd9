import { describe, expect, it } from 'vitest';
import { CliUsageError, parseWebArgs } from './cli-args.js';

describe('web mode arguments', () => {
  it('defaults to a random port and opens nothing', () => {
    expect(parseWebArgs([])).toEqual({ port: 0, open: false });
  });
  it('takes --port N, --port=N and --open', () => {
    expect(parseWebArgs(['--port', '8123', '--open'])).toEqual({ port: 8123, open: true });
    expect(parseWebArgs(['--port=9000'])).toEqual({ port: 9000, open: false });
  });
  it.each([['--port'], ['--port', 'x'], ['--port', '70000'], ['--host', '0.0.0.0']])('refuses %j', (...argv) => {
    expect(() => parseWebArgs(argv)).toThrow(CliUsageError);
  });
});
