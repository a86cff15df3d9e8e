// Schemas of the Auth section of API.md.
import { Type, type Static } from 'typebox';
import { EmailSchema, Strict, Text } from '../http/schemas.ts';
import { UserSchema } from '../users/schemas.ts';

const Mode = Type.Union([Type.Literal('token'), Type.Literal('cookie')], {
  description:
    '`token` (default): tokens in the body; `cookie`: httpOnly cookies plus a CSRF token',
});

/** Any string up to 1024 characters; strength rules apply only where a password is chosen. */
export const PasswordSchema = Type.String({ maxLength: 1024, description: '8..1024 characters' });

export const RegisterBody = Strict({
  email: EmailSchema,
  password: PasswordSchema,
  name: Type.Optional(Text({ maxLength: 100 })),
  mode: Type.Optional(Mode),
});

export const LoginBody = Strict({
  // Any text: a malformed address simply matches no account (401), like a wrong one.
  email: Text({ maxLength: 254 }),
  password: PasswordSchema,
  mode: Type.Optional(Mode),
});

export const RefreshBody = Strict({
  refresh_token: Type.Optional(
    Type.String({ maxLength: 512, description: 'Token mode; omit in cookie mode' }),
  ),
});

export const LogoutBody = Strict({
  scope: Type.Optional(
    Type.Union([Type.Literal('session'), Type.Literal('others'), Type.Literal('all')], {
      description: 'session (default): this one; others: all but this one; all: every session',
    }),
  ),
});

export const TokenPair = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
});

export const TokenLogin = Type.Object({ ...TokenPair.properties, user: UserSchema });
export const CookieLogin = Type.Object({
  user: UserSchema,
  csrf_token: Type.String(),
  expires_in: Type.Integer(),
});
export const CookieRefresh = Type.Object({ csrf_token: Type.String(), expires_in: Type.Integer() });

export const SessionSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  user_agent: Type.String(),
  ip: Type.String(),
  current: Type.Boolean(),
});

export const JwksSchema = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        crv: Type.String(),
        x: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.Literal('sig'),
      },
      { additionalProperties: false },
    ),
  ),
});

export type Session = Static<typeof SessionSchema>;
