// Who is calling: set by the authentication hook (src/auth/authenticate.ts) on every route that
// is registered in app.ts's authenticated scope. Handlers read `request.auth.userId` and pass it
// first to every repository call; they never look at tokens or cookies themselves.

export type Role = 'user' | 'admin';

export interface AuthContext {
  userId: string;
  /** The session the token belongs to (the access token's `sid`). */
  sessionId: string;
  role: Role;
  /** How the request proved it: bearer requests need no CSRF token, cookie requests do. */
  via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
}
