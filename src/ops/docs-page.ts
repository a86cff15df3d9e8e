// Renders the OpenAPI document as one readable HTML page: operations grouped by tag, with their
// parameters, body fields and answers. Everything interpolated is escaped.

interface Schema {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  $ref?: string;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: Schema;
  }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string }>;
}

interface OpenApiDocument {
  info: { title: string; description?: string; version: string };
  paths?: Record<string, Record<string, Operation>>;
}

export const DOCS_STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #2563eb; }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 960px; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
h1 { margin-bottom: 0.25rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); }
section.op { border: 1px solid var(--line); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; color: var(--accent); }
code, .path { font-family: ui-monospace, monospace; font-size: 0.95em; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; font-size: 0.95em; }
th, td { text-align: left; border-top: 1px solid var(--line); padding: 0.25rem 0.5rem; vertical-align: top; }
.muted { color: var(--muted); }
`;

function escape(text: unknown): string {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function describeType(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.replace(/^.*\//, '');
  if (schema.anyOf) return schema.anyOf.map(describeType).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  if (type === 'array') return `${describeType(schema.items)}[]`;
  const limits: string[] = [];
  if (schema.format && schema.format !== 'text') limits.push(schema.format);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    limits.push(`${schema.minLength ?? 0}..${schema.maxLength ?? '∞'} chars`);
  }
  if (schema.maxItems !== undefined) limits.push(`≤ ${schema.maxItems} items`);
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

function fieldsTable(schema: Schema | undefined): string {
  const properties = schema?.properties;
  if (!properties || Object.keys(properties).length === 0) return '';
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(properties)
    .map(
      ([name, property]) =>
        `<tr><td><code>${escape(name)}</code>${required.has(name) ? '' : ' <span class="muted">optional</span>'}</td>` +
        `<td>${escape(describeType(property))}</td><td>${escape(property.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>field</th><th>type</th><th></th></tr>${rows}</table>`;
}

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = (operation.parameters ?? [])
    .map(
      (parameter) =>
        `<tr><td><code>${escape(parameter.name)}</code> <span class="muted">${escape(parameter.in)}${parameter.required ? '' : ', optional'}</span></td>` +
        `<td>${escape(describeType(parameter.schema))}</td><td>${escape(parameter.description ?? parameter.schema?.description ?? '')}</td></tr>`,
    )
    .join('');
  const body = operation.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(operation.responses ?? {})
    .map(
      ([status, response]) =>
        `<code>${escape(status)}</code> ${escape(response.description ?? '')}`,
    )
    .join(' · ');
  return `<section class="op" id="${escape(operation.operationId ?? `${method}-${path}`)}">
<div><span class="method">${escape(method.toUpperCase())}</span> <span class="path">${escape(path)}</span>${operation.security?.length ? ' <span class="muted">🔒 authenticated</span>' : ''}</div>
${operation.summary ? `<p>${escape(operation.summary)}</p>` : ''}${operation.description ? `<p class="muted">${escape(operation.description)}</p>` : ''}
${parameters ? `<h4>Parameters</h4><table>${parameters}</table>` : ''}
${body ? `<h4>Body</h4>${fieldsTable(body)}` : ''}
${responses ? `<p><strong>Answers:</strong> ${responses}</p>` : ''}
</section>`;
}

export function renderDocsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'Other';
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(method, path, operation));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag]
    .map(
      ([tag, operations]) => `<h2 id="${escape(tag)}">${escape(tag)}</h2>${operations.join('\n')}`,
    )
    .join('\n');
  const contents = [...byTag.keys()]
    .map((tag) => `<a href="#${escape(tag)}">${escape(tag)}</a>`)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} reference</title><style>${DOCS_STYLE}</style></head>
<body><main>
<h1>${escape(document.info.title)} <span class="muted">v${escape(document.info.version)}</span></h1>
<p>${escape(document.info.description ?? '')}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;access_token&gt;</code>, or in the browser with the
session cookies plus an <code>X-CSRF-Token</code> header on unsafe requests. The machine-readable
document is <a href="/openapi.json">/openapi.json</a>.</p>
<nav>${contents}</nav>
${sections || '<p class="muted">No operations yet.</p>'}
</main></body></html>`;
}
