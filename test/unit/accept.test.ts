/** Accept negotiation of the challenge face (no database). */
import { acceptsMultipart } from '../../src/http/challenge/params';

describe('acceptsMultipart', () => {
  it.each([
    ['multipart/json', true],
    ['MULTIPART/JSON', true],
    ['multipart/json; charset=utf-8', true],
    ['text/html, multipart/json;q=0.5', true],
    ['application/json, multipart/json ; q=1', true],
  ])('%s asks for batches', (accept, expected) => {
    expect(acceptsMultipart(accept)).toBe(expected);
  });

  it.each([[undefined], [''], ['application/json'], ['*/*'], ['multipart/*'], ['multipart/json;q=0'], ['multipart/jsonx'], ['multipart/mixed']])(
    '%s asks for one message',
    (accept) => {
      expect(acceptsMultipart(accept)).toBe(false);
    },
  );
});
