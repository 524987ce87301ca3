/** /docs: the OpenAPI document as one self-contained HTML page (no scripts, nothing fetched from elsewhere). */
import { openApiDocument } from './document.js';

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function operationHtml(path: string, method: string, operation: { summary: string; responses: Record<string, { description: string }> }): string {
  const responses = Object.entries(operation.responses)
    .map(([status, response]) => `<li><code>${status}</code> ${escape(response.description)}</li>`)
    .join('');
  return `<section><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2><p>${escape(operation.summary)}</p><ul>${responses}</ul></section>`;
}

export function renderDocsPage(): string {
  const operations = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => operationHtml(path, method, operation as never)),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>pix-stream API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}h2{font-size:1.05rem;margin:1.5rem 0 .25rem}code{background:#f3f3f3;padding:0 .2rem}</style>
</head><body><h1>pix-stream API</h1><p>${escape(openApiDocument.info.description)} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${openApiDocument.openapi}).</p>
${operations.join('\n')}</body></html>`;
}
