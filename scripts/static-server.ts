/**
 * A small static file server for the demo site and the end-to-end test pages.
 *
 * HTML, JS and CSS files may contain `{{NAME}}` placeholders, filled from `variables` at serve
 * time, so the same pages work whichever ports the emulator and the proxy listen on. A POST gets
 * the page like a GET, so a site form can post to a static thank-you page. A
 * `_headers.json` file at a root adds response headers per path (for example a strict
 * Content-Security-Policy for one page); its values are filled the same way.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface StaticServerOptions {
  /** URL prefix → directory. The prefix `/` is the site root. */
  mounts: Record<string, string>;
  /** Values for `{{NAME}}` placeholders. */
  variables: Record<string, string>;
  host?: string;
  port: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const TEMPLATED = new Set(['.html', '.js', '.css']);

export function fillPlaceholders(text: string, variables: Record<string, string>): string {
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => variables[name] ?? placeholder);
}

export async function startStaticServer(options: StaticServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const mounts = Object.entries(options.mounts)
    .map(([prefix, dir]) => ({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, dir: resolve(dir) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  async function headersFor(dir: string, path: string): Promise<Record<string, string>> {
    try {
      const table = JSON.parse(await readFile(join(dir, '_headers.json'), 'utf8')) as Record<string, Record<string, string>>;
      const headers = table[path] ?? {};
      return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, fillPlaceholders(value, options.variables)]));
    } catch {
      return {};
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const mount = mounts.find((candidate) => pathname === candidate.prefix.slice(0, -1) || pathname.startsWith(candidate.prefix));
    // POST serves the page too, as a site's form handler would respond with a thank-you page.
    if (!mount || !['GET', 'HEAD', 'POST'].includes(request.method ?? '')) {
      response.writeHead(mount ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' }).end(mount ? 'Method not allowed' : 'Not found');
      return;
    }

    let relative = pathname.slice(mount.prefix.length - 1);
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = normalize(join(mount.dir, relative));
    if (!file.startsWith(mount.dir + sep)) {
      response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('Forbidden');
      return;
    }

    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${pathname}`);
      return;
    }

    const type = extname(file);
    const raw = await readFile(file);
    const body = TEMPLATED.has(type) ? fillPlaceholders(raw.toString('utf8'), options.variables) : raw;
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[type] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...(await headersFor(mount.dir, relative)),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error');
      console.error(JSON.stringify({ level: 'error', message: 'static server failed', error: String(error) }));
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, resolveListen);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
