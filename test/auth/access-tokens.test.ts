// Access tokens against the attacks a careful reviewer tries on a JWT API, and third-party
// verification with nothing but the published JWKS.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  SignJWT,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  jwtVerify,
} from 'jose';
import { buildPeerApp, buildTestApp } from '../helpers/app.ts';
import { loginWithCookies, signUp } from '../helpers/auth.ts';
import { testEngines } from '../helpers/databases.ts';
import { assertProblem } from '../helpers/problems.ts';

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

for (const engine of await testEngines()) {
  describe(`access tokens (${engine.name})`, () => {
    test('claims and header are as API.md says', async (t) => {
      const { app, config } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const header = decodeProtectedHeader(user.accessToken);
      assert.equal(header.alg, 'EdDSA');
      assert.equal(typeof header.kid, 'string');
      const claims = decodeJwt(user.accessToken);
      assert.equal(claims.iss, config.publicUrl);
      assert.equal(claims.aud, 'jotter');
      assert.equal(claims.sub, user.user.id);
      assert.equal(claims.role, 'user');
      assert.equal(typeof claims.jti, 'string');
      assert.equal(claims.exp! - claims.iat!, 900);
      const sessions = await app.inject({ url: '/api/v1/auth/sessions', headers: user.headers });
      assert.equal(sessions.json<{ items: { id: string }[] }>().items[0]?.id, claims.sid);
    });

    test('a third party verifies a token with nothing but /.well-known/jwks.json', async (t) => {
      const { app, config } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const jwksResponse = await app.inject({ url: '/.well-known/jwks.json' });
      assert.equal(jwksResponse.statusCode, 200);
      const jwks = jwksResponse.json<{ keys: Record<string, unknown>[] }>();
      for (const key of jwks.keys) {
        assert.equal(key.use, 'sig');
        assert.equal(key.alg, 'EdDSA');
        assert.equal(typeof key.kid, 'string');
        assert.equal(key.d, undefined, 'no private part');
      }
      const { payload } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks as never), {
        issuer: config.publicUrl,
        audience: 'jotter',
        algorithms: ['EdDSA'],
      });
      assert.equal(payload.sub, user.user.id);
    });

    test('forged and tampered tokens are invalid_token', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const [header, payload, signature] = parts(user.accessToken);
      const claims = decodeJwt(user.accessToken);
      const kid = decodeProtectedHeader(user.accessToken).kid;
      const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json<{
        keys: { x: string }[];
      }>();

      const attacker = generateKeyPairSync('ed25519');
      const attackerJwk = await exportJWK(attacker.publicKey);
      const signWith = (
        protectedHeader: Record<string, unknown>,
        body: Record<string, unknown> = claims,
      ): Promise<string> =>
        new SignJWT(body).setProtectedHeader(protectedHeader as never).sign(attacker.privateKey);
      const hmacWithPublicKey = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(Buffer.from(jwks.keys[0]!.x, 'base64url'));

      const forged: [string, string][] = [
        ['alg none', `${b64({ alg: 'none', kid })}.${payload}.`],
        ['alg none, signature kept', `${b64({ alg: 'none', kid })}.${payload}.${signature}`],
        ['HS256 keyed with the public key', hmacWithPublicKey],
        [
          'tampered payload (role admin)',
          `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
        ],
        [
          'tampered payload (other sub)',
          `${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
        ],
        ['signature of another key, our kid', await signWith({ alg: 'EdDSA', kid })],
        ['unknown kid', await signWith({ alg: 'EdDSA', kid: 'not-a-key' })],
        ['no kid', await signWith({ alg: 'EdDSA' })],
        ['embedded jwk', await signWith({ alg: 'EdDSA', kid, jwk: attackerJwk })],
        [
          'remote jku',
          await signWith({ alg: 'EdDSA', kid, jku: 'https://evil.example/jwks.json' }),
        ],
        ['remote x5u', await signWith({ alg: 'EdDSA', kid, x5u: 'https://evil.example/cert.pem' })],
        ['garbage', 'not.a.token'],
        ['two parts', `${header}.${payload}`],
        ['empty signature', `${header}.${payload}.`],
        ['truncated signature', `${header}.${payload}.${signature.slice(0, 20)}`],
      ];
      for (const [name, token] of forged) {
        await t.test(name, async () => {
          const response = await app.inject({
            url: '/api/v1/users/me',
            headers: { authorization: `Bearer ${token}` },
          });
          assertProblem(response, 401, 'invalid_token');
        });
      }
    });

    test('a correctly signed token from another issuer is invalid_token', async (t) => {
      const { app, config } = await buildTestApp(t, engine);
      // Same database, so the same signing keys, but another PUBLIC_URL.
      const other = await buildPeerApp(t, { ...config, publicUrl: 'https://other.example.com' });
      const user = await signUp(other.app);
      assert.equal(
        (await other.app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
    });

    test('correctly signed tokens with another audience or without sid are invalid_token', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const claims = decodeJwt(user.accessToken);
      const key = app.auth.keys.signingKey;
      const sign = (body: Record<string, unknown>): Promise<string> =>
        new SignJWT(body).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
      const { sid: _sid, ...withoutSid } = claims;
      for (const body of [
        { ...claims, aud: 'another-service' },
        withoutSid,
        { ...claims, role: 'root' },
        { ...claims, sub: 42 },
      ]) {
        const token = await sign(body);
        assertProblem(
          await app.inject({
            url: '/api/v1/users/me',
            headers: { authorization: `Bearer ${token}` },
          }),
          401,
          'invalid_token',
        );
      }
      // The same key and claims are accepted: the refusals above come from the claims alone.
      assert.equal(
        (
          await app.inject({
            url: '/api/v1/users/me',
            headers: { authorization: `Bearer ${await sign(claims)}` },
          })
        ).statusCode,
        200,
      );
    });

    test('a token expires at the same moment whether its verification was cached or not', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: { ACCESS_TOKEN_TTL: '60' } });
      const user = await signUp(app);
      const fresh = await signUp(app);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      const exp = decodeJwt(user.accessToken).exp! * 1000;
      // Within the 5 s of clock tolerance after exp the cached verification still holds, as a
      // fresh one would.
      t.mock.timers.enable({ apis: ['Date'], now: exp + 1_000 });
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      t.mock.timers.setTime(exp + 5_001);
      // Cached (seen before), then dropped from the cache and verified again, then never seen.
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'token_expired',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'token_expired',
      );
      t.mock.timers.setTime(decodeJwt(fresh.accessToken).exp! * 1000 + 5_001);
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: fresh.headers }),
        401,
        'token_expired',
      );
    });

    test('an expired token is token_expired; one issued in the future is invalid_token', async (t) => {
      const { app } = await buildTestApp(t, engine, { env: { ACCESS_TOKEN_TTL: '60' } });
      const user = await signUp(app);
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 70_000 });
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'token_expired',
      );
      // A token minted "now" at a clock two minutes ahead is from the future for the server.
      const ahead = await signUp(app);
      t.mock.timers.reset();
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: ahead.headers }),
        401,
        'invalid_token',
      );
    });

    test('Authorization header rules: scheme, emptiness, precedence over cookies, no query tokens', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      const cookie = await loginWithCookies(app, user.email, user.password);
      assert.equal(
        (
          await app.inject({
            url: '/api/v1/users/me',
            headers: { authorization: `bearer ${user.accessToken}` },
          })
        ).statusCode,
        200,
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: { authorization: 'Bearer ' } }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: { authorization: 'Bearer' } }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({
          url: '/api/v1/users/me',
          headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
        }),
        401,
        'invalid_token',
      );
      assertProblem(
        await app.inject({
          url: '/api/v1/users/me',
          headers: { authorization: `Token ${user.accessToken}` },
        }),
        401,
        'invalid_token',
      );
      // With a header, cookies are ignored, even valid ones.
      assertProblem(
        await app.inject({
          url: '/api/v1/users/me',
          headers: { authorization: 'Bearer nope', cookie: cookie.headers.cookie },
        }),
        401,
        'invalid_token',
      );
      assertProblem(await app.inject({ url: '/api/v1/users/me' }), 401, 'unauthenticated');
      assertProblem(
        await app.inject({ url: `/api/v1/users/me?access_token=${user.accessToken}` }),
        401,
        'unauthenticated',
      );
      assertProblem(
        await app.inject({ url: `/api/v1/users/me?token=${user.accessToken}` }),
        401,
        'unauthenticated',
      );
    });

    test('the verified-token cache never skips revocation', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const user = await signUp(app);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers }))
          .statusCode,
        204,
      );
      assertProblem(
        await app.inject({ url: '/api/v1/users/me', headers: user.headers }),
        401,
        'invalid_token',
      );
    });

    test('key rotation: new tokens carry the new kid, old tokens keep working, both keys published', async (t) => {
      const { app } = await buildTestApp(t, engine);
      const before = await signUp(app);
      const { addSigningKey } = await import('../../src/auth/keys.ts');
      const kid = await addSigningKey(
        app.db,
        { accessTokenTtl: 900, keyEncryptionSecret: undefined },
        { onlyIfNone: false },
      );
      await app.auth.keys.reload();
      const after = await signUp(app);
      assert.equal(decodeProtectedHeader(after.accessToken).kid, kid);
      assert.notEqual(decodeProtectedHeader(before.accessToken).kid, kid);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: before.headers })).statusCode,
        200,
      );
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: after.headers })).statusCode,
        200,
      );
      const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json<{
        keys: { kid: string }[];
      }>();
      assert.equal(jwks.keys.length, 2);
    });

    test('with KEY_ENCRYPTION_SECRET the private key is encrypted at rest', async (t) => {
      const secret = 'a sufficiently long secret';
      const { app, db } = await buildTestApp(t, engine, { env: { KEY_ENCRYPTION_SECRET: secret } });
      const rows = await db.kysely.selectFrom('signing_keys').select('private_key').execute();
      assert.ok(rows.length > 0);
      for (const row of rows) {
        assert.match(row.private_key, /^enc:v1:/);
        assert.doesNotMatch(row.private_key, /PRIVATE KEY/);
      }
      const user = await signUp(app);
      assert.equal(
        (await app.inject({ url: '/api/v1/users/me', headers: user.headers })).statusCode,
        200,
      );
      const { KeyStore } = await import('../../src/auth/keys.ts');
      await assert.rejects(
        KeyStore.open(db, { accessTokenTtl: 900, keyEncryptionSecret: 'another long secret!' }),
        /KEY_ENCRYPTION_SECRET/,
      );
      await assert.rejects(
        KeyStore.open(db, { accessTokenTtl: 900, keyEncryptionSecret: undefined }),
        /KEY_ENCRYPTION_SECRET/,
      );
    });
  });
}
