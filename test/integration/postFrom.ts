/**
 * A POST from one local address (127.0.0.x: another client of the same machine), its answer read
 * whole. The caller sends the body (all of it, or a part and then holds the rest).
 */
import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

export interface PostAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  body: any;
}

/**
 * Open a POST to `url` from `from`, declaring `length` bytes of body; errors whose code is in
 * `ignore` (a refusal may close the connection before the whole body is sent) do not reject.
 */
export function openPost(
  url: URL,
  from: string,
  length: number,
  ignore: readonly string[],
  contentType = 'application/json',
): { req: ClientRequest; answer: Promise<PostAnswer> } {
  let req!: ClientRequest;
  const answer = new Promise<PostAnswer>((resolve, reject) => {
    req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': contentType, 'content-length': length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      ignore.includes(err.code ?? '') ? undefined : reject(err),
    );
  });
  return { req, answer };
}
