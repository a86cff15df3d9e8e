// buildApp(config): the whole Jotter HTTP application as one Fastify instance. Tests call it and
// talk to it through `inject`; main.ts adds only listening and signals. Every feature is
// registered here, explicitly, with its prefix: the API surface reads top to bottom.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.ts';
import { openDatabase, type Db } from './db/connect.ts';
import { installBodyParsing, parseQueryString } from './http/body.ts';
import { handleClientError } from './http/client-errors.ts';
import { handleFrameworkError, installProblemHandling } from './http/problem.ts';
import { createMethodIndex, notFoundHandler } from './http/routing.ts';
import { lazySchemaCompilers } from './http/lazy-schemas.ts';
import { CUSTOM_FORMATS } from './http/schemas.ts';
import { registerSecurityHeaders } from './http/security.ts';
import { healthRoutes } from './ops/health.ts';
import { openApiRoutes, registerOpenApi } from './ops/openapi.ts';
import { isClientRoute, loadWebApp } from './web/routes.ts';
import { installMetrics } from './metrics/routes.ts';
import { createAuthenticate } from './auth/authenticate.ts';
import { authRoutes, jwksRoutes } from './auth/routes.ts';
import { AuthService } from './auth/service.ts';
import { userRoutes } from './users/routes.ts';
import { noteRoutes } from './notes/routes.ts';
import { todoRoutes } from './todos/routes.ts';
import { adminRoutes } from './admin/routes.ts';
import { ownEventRoutes } from './events/routes.ts';
import { startEventRetention } from './events/retention.ts';
import cookie from '@fastify/cookie';

export interface BuildOptions {
  /** An open database; when absent one is opened from the config and closed with the app. */
  db?: Db;
  /** Pino options or false; defaults to JSON logs at config.logLevel. */
  logger?: boolean | { level: string };
  /** The built web app (tests point it at fixtures); defaults to web/dist. */
  webRoot?: string;
  /** Namespace of the throttle counters in Redis (tests isolate themselves with it). */
  throttleKeyPrefix?: string;
  /** How long clients may take (tests of slow clients shorten them). */
  timeouts?: ServerTimeouts;
}

/** Slow clients must not hold connections: each limit in milliseconds. */
export interface ServerTimeouts {
  /** Until a request's headers are complete. */
  headers: number;
  /** Until a whole request (headers and body) has arrived. */
  request: number;
  /** An idle keep-alive connection between two requests. */
  keepAlive: number;
  /** A socket with no traffic at all. */
  idleSocket: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headers: 10_000,
  request: 30_000,
  keepAlive: 5_000,
  idleSocket: 60_000,
};

export type App = FastifyInstance;

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    auth: AuthService;
    /** Compiles every route schema not compiled yet (they compile on first use; tests call it). */
    compileAllSchemas(): void;
  }
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const db = options.db ?? openDatabase(config);
  const timeouts = options.timeouts ?? SERVER_TIMEOUTS;
  const schemas = lazySchemaCompilers();
  const app = Fastify({
    schemaController: { compilersFactory: schemas.compilersFactory },
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
    },
    genReqId: () => randomUUID(),
    // A hop count: the client address is that many hops from the right of X-Forwarded-For,
    // never its spoofable left end.
    trustProxy: config.trustProxy === false ? false : trustHops(config.trustProxy),
    routerOptions: { querystringParser: parseQueryString },
    frameworkErrors: handleFrameworkError,
    // Slow clients must not hold connections: headers within 10 s, a whole request within 30 s,
    // idle keep-alive sockets closed after 5 s, sockets with no traffic at all after 60 s. Those
    // cut off get 408 problem+json, as do malformed requests (400) and oversize headers (431).
    connectionTimeout: timeouts.idleSocket,
    keepAliveTimeout: timeouts.keepAlive,
    requestTimeout: timeouts.request,
    http: {
      headersTimeout: timeouts.headers,
      requestTimeout: timeouts.request,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headers / 4),
    },
    clientErrorHandler: handleClientError,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
      },
      onCreate: (ajv) => {
        for (const [name, validate] of Object.entries(CUSTOM_FORMATS))
          ajv.addFormat(name, validate);
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Node answers an unknown `Expect` value with a bare 417 of its own, outside every hook (no
  // problem+json, no security headers). HTTP lets a server ignore expectations it does not know:
  // such requests are handled like any other.
  app.server.on('checkExpectation', (request, response) =>
    app.server.emit('request', request, response),
  );

  app.decorate('compileAllSchemas', schemas.compileAll);
  app.decorate('db', db);
  app.decorate('config', config);
  const auth = await AuthService.start(db, config, app.log, {
    throttleKeyPrefix: options.throttleKeyPrefix,
  });
  app.decorate('auth', auth);
  // Old security events are purged while the app runs (EVENT_RETENTION_DAYS).
  let stopRetention: (() => void) | undefined;
  app.addHook('onReady', async () => {
    stopRetention = startEventRetention(db, config.eventRetentionDays, app.log);
  });
  // Closed in this order: timers and listeners first (they may still write), then the database.
  app.addHook('onClose', async () => stopRetention?.());
  app.addHook('onClose', () => auth.close());
  if (!options.db) app.addHook('onClose', () => db.close());

  const allowedMethods = createMethodIndex(app);
  const webApp = loadWebApp(options.webRoot);
  installProblemHandling(
    app,
    notFoundHandler(allowedMethods, (request, reply) =>
      isClientRoute(request) ? webApp.sendPage(reply) : undefined,
    ),
  );
  installBodyParsing(app);
  await registerSecurityHeaders(app, config);
  await registerOpenApi(app, config);
  // Before any route, so its hook times every route and the 404 handler.
  installMetrics(app, db, config);
  await app.register(cookie);

  await app.register(healthRoutes(db));
  await app.register(openApiRoutes);
  await app.register(webApp.routes);

  const authenticate = createAuthenticate(auth);
  const deps = { db, config, auth };
  await app.register(jwksRoutes(deps));
  await app.register(authRoutes({ ...deps, authenticate }), { prefix: '/api/v1/auth' });
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      // Authenticated API routes: every route registered here requires a session.
      await api.register(userRoutes(deps), { prefix: '/users' });
      await api.register(noteRoutes, { prefix: '/notes' });
      await api.register(todoRoutes, { prefix: '/todos' });
      await api.register(ownEventRoutes(db));
      await api.register(adminRoutes(deps), { prefix: '/admin' });
    },
    { prefix: '/api/v1' },
  );

  return app;
}
