// The answer shape of GET /api/v1/notes as plain JSON Schema, for the ceiling servers: Fastify
// serializes through it exactly as Jotter's route does through its TypeBox schema.
export const NOTE_PAGE_SCHEMA = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          body: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          pinned: { type: 'boolean' },
          archived: { type: 'boolean' },
          version: { type: 'integer' },
          created_at: { type: 'string' },
          updated_at: { type: 'string' },
        },
        required: [
          'id',
          'title',
          'body',
          'tags',
          'pinned',
          'archived',
          'version',
          'created_at',
          'updated_at',
        ],
      },
    },
    next_cursor: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['items', 'next_cursor'],
} as const;

export const READY_SCHEMA = {
  type: 'object',
  properties: { status: { type: 'string' } },
} as const;
