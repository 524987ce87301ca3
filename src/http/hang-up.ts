import type { Response } from 'express';

/** Aborts when the client hangs up before we answered, ending its long poll. */
export function hangUpSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
