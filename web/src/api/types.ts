// Names for the API's shapes, taken from the generated schema so they follow the server.
import type { paths } from './schema';

type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type User = JsonOf<paths['/api/v1/users/me']['get']['responses'][200]>;
export type Note = JsonOf<paths['/api/v1/notes/{id}']['get']['responses'][200]>;
export type NoteInput = JsonOf<paths['/api/v1/notes']['post']['requestBody']>;
export type Todo = JsonOf<paths['/api/v1/todos/{id}']['get']['responses'][200]>;
export type Session = JsonOf<
  paths['/api/v1/auth/sessions']['get']['responses'][200]
>['items'][number];
export type NotesQuery = NonNullable<paths['/api/v1/notes']['get']['parameters']['query']>;
export type TodosQuery = NonNullable<paths['/api/v1/todos']['get']['parameters']['query']>;
