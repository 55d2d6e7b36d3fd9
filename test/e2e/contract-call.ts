import type { Page } from '@playwright/test';
import type { MethodInput, MethodName, Result } from '../../src-main/contract.js';

/**
 * One contract call from inside the page, over the web mode's own socket (the
 * page's cookie carries the token): how a test sets up what the UI no longer
 * offers a form for, such as a bare cluster profile.
 */
export function callContract<M extends MethodName>(page: Page, method: M, input: MethodInput<M>): Promise<Result<unknown>> {
  return page.evaluate(
    ({ method, input }) =>
      new Promise<Result<unknown>>((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/api`);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method, input }));
        ws.onerror = () => reject(new Error('the API socket refused the page'));
        ws.onmessage = (message) => {
          const data = JSON.parse(String(message.data)) as { id?: number; result?: Result<unknown> };
          if (data.id === 1 && data.result) {
            ws.close();
            resolve(data.result);
          }
        };
      }),
    { method, input: input as unknown },
  );
}
