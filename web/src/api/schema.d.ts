// PROVISIONAL: hand-written from API.md until the routes land; replaced by npm run gen:api.
type Json<T> = { content: { 'application/json': T } };
type Problem = { content: { 'application/problem+json': components['schemas']['Problem'] } };
type NoContent = { content?: never };
type User = {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  created_at: string;
  updated_at: string;
};
type Note = {
  id: string;
  title: string;
  body: string;
  tags: string[];
  pinned: boolean;
  archived: boolean;
  version: number;
  created_at: string;
  updated_at: string;
};
type Todo = {
  id: string;
  title: string;
  done: boolean;
  due_date: string | null;
  completed_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
};
type Session = {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
};
type Page<T> = { items: T[]; next_cursor: string | null };
type Errors = {
  400: Problem;
  401: Problem;
  403: Problem;
  404: Problem;
  409: Problem;
  412: Problem;
  429: Problem;
};
type IdPath = { path: { id: string }; query?: never; header?: never; cookie?: never };
type NoParams = { path?: never; query?: never; header?: never; cookie?: never };
type NoteInput = {
  title: string;
  body?: string;
  tags?: string[];
  pinned?: boolean;
  archived?: boolean;
};
type TodoInput = { title: string; done?: boolean; due_date?: string | null };

export interface paths {
  '/api/v1/auth/register': {
    post: {
      parameters: NoParams;
      requestBody: Json<{
        email: string;
        password: string;
        name?: string;
        mode?: 'token' | 'cookie';
      }>;
      responses: { 201: Json<{ user: User; csrf_token?: string; expires_in: number }> } & Errors;
    };
  };
  '/api/v1/auth/login': {
    post: {
      parameters: NoParams;
      requestBody: Json<{ email: string; password: string; mode?: 'token' | 'cookie' }>;
      responses: { 200: Json<{ user: User; csrf_token?: string; expires_in: number }> } & Errors;
    };
  };
  '/api/v1/auth/refresh': {
    post: {
      parameters: NoParams;
      requestBody?: Json<{ refresh_token?: string }>;
      responses: { 200: Json<{ csrf_token?: string; expires_in: number }> } & Errors;
    };
  };
  '/api/v1/auth/logout': {
    post: {
      parameters: NoParams;
      requestBody?: Json<{ scope?: 'session' | 'others' | 'all' }>;
      responses: { 204: NoContent } & Errors;
    };
  };
  '/api/v1/auth/sessions': {
    get: { parameters: NoParams; responses: { 200: Json<{ items: Session[] }> } & Errors };
  };
  '/api/v1/auth/sessions/{id}': {
    delete: { parameters: IdPath; responses: { 204: NoContent } & Errors };
  };
  '/api/v1/users/me': {
    get: { parameters: NoParams; responses: { 200: Json<User> } & Errors };
    patch: {
      parameters: NoParams;
      requestBody: Json<{ name?: string; email?: string }>;
      responses: { 200: Json<User> } & Errors;
    };
    delete: {
      parameters: NoParams;
      requestBody: Json<{ password: string }>;
      responses: { 204: NoContent } & Errors;
    };
  };
  '/api/v1/users/me/password': {
    post: {
      parameters: NoParams;
      requestBody: Json<{ current_password: string; new_password: string }>;
      responses: { 204: NoContent } & Errors;
    };
  };
  '/api/v1/notes': {
    get: {
      parameters: {
        query?: {
          limit?: string;
          cursor?: string;
          q?: string;
          tag?: string;
          archived?: string;
          pinned?: string;
        };
        path?: never;
        header?: never;
        cookie?: never;
      };
      responses: { 200: Json<Page<Note>> } & Errors;
    };
    post: {
      parameters: NoParams;
      requestBody: Json<NoteInput>;
      responses: { 201: Json<Note> } & Errors;
    };
  };
  '/api/v1/notes/{id}': {
    get: { parameters: IdPath; responses: { 200: Json<Note> } & Errors };
    patch: {
      parameters: {
        path: { id: string };
        header?: { 'if-match'?: string };
        query?: never;
        cookie?: never;
      };
      requestBody: Json<Partial<NoteInput>>;
      responses: { 200: Json<Note> } & Errors;
    };
    delete: {
      parameters: {
        path: { id: string };
        header?: { 'if-match'?: string };
        query?: never;
        cookie?: never;
      };
      responses: { 204: NoContent } & Errors;
    };
  };
  '/api/v1/todos': {
    get: {
      parameters: {
        query?: {
          limit?: string;
          cursor?: string;
          done?: string;
          due_from?: string;
          due_to?: string;
        };
        path?: never;
        header?: never;
        cookie?: never;
      };
      responses: { 200: Json<Page<Todo>> } & Errors;
    };
    post: {
      parameters: NoParams;
      requestBody: Json<TodoInput>;
      responses: { 201: Json<Todo> } & Errors;
    };
  };
  '/api/v1/todos/{id}': {
    get: { parameters: IdPath; responses: { 200: Json<Todo> } & Errors };
    patch: {
      parameters: {
        path: { id: string };
        header?: { 'if-match'?: string };
        query?: never;
        cookie?: never;
      };
      requestBody: Json<Partial<TodoInput>>;
      responses: { 200: Json<Todo> } & Errors;
    };
    delete: {
      parameters: {
        path: { id: string };
        header?: { 'if-match'?: string };
        query?: never;
        cookie?: never;
      };
      responses: { 204: NoContent } & Errors;
    };
  };
}
export interface components {
  schemas: {
    Problem: {
      code: string;
      detail?: string;
      errors?: { field: string; message: string }[];
      request_id?: string;
      status: number;
      title: string;
      type: string;
    };
  };
}
