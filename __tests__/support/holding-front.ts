/**
 * A REST front for the emulator that holds each call until `released(request)` is true, or until `giveUpMs` passes;
 * it records which let each call through. Tests of what main starts while the budget's REST calls are pending
 * (issue 13) use it: a call that "gave up" means main waited for an answer before starting the thing.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingFront {
  url: string;
  outcomes: ('released' | 'gave up')[];
  close(): Promise<void>;
}

export async function holdingFront(
  target: string,
  released: (req: http.IncomingMessage) => boolean,
  giveUpMs: number
): Promise<HoldingFront> {
  const outcomes: ('released' | 'gave up')[] = [];
  const server = http.createServer((req, res) => {
    const began = Date.now();
    const poll = () => {
      const free = released(req);
      if (!free && Date.now() - began < giveUpMs) return void setTimeout(poll, 10);
      outcomes.push(free ? 'released' : 'gave up');
      const up = http.request(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    poll();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    outcomes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}
