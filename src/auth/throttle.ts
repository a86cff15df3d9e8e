// Brute-force limits with rate-limiter-flexible: in memory by default, in Redis when REDIS_URL is
// set (so every instance counts the same attempts). Login attempts are counted per (email, client
// address) *before* the password is checked, so concurrent guesses cannot slip past the limit; a
// success resets the count. Registration and refresh are limited per client address.
//
// Only the limiters in use are loaded: the package's index loads every store it supports (Mongo,
// DynamoDB, Etcd, …) and ioredis is large; a server without REDIS_URL needs neither (~15 MB).
import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import type * as Limiters from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import { AppError } from '../http/errors.ts';

const require = createRequire(import.meta.url);
const RateLimiterMemory =
  require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof Limiters.RateLimiterMemory;
const RateLimiterRes =
  require('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof Limiters.RateLimiterRes;
type RateLimiterAbstract = Limiters.RateLimiterAbstract;
type RateLimiterRes = Limiters.RateLimiterRes;

export interface Throttles {
  /** Counts a login attempt; throws 429 when the window's failures are used up. */
  beginLogin(email: string, ip: string): Promise<void>;
  /** A successful login clears the count. */
  loginSucceeded(email: string, ip: string): Promise<void>;
  countRegistration(ip: string): Promise<void>;
  countRefresh(ip: string): Promise<void>;
  close(): Promise<void>;
}

function rateLimited(result: RateLimiterRes, maxSeconds: number): AppError {
  const seconds = Math.min(maxSeconds, Math.max(1, Math.ceil(result.msBeforeNext / 1000)));
  return new AppError('rate_limited', `Too many attempts; try again in ${seconds} seconds.`, {
    headers: { 'retry-after': String(seconds) },
  });
}

async function consume(
  limiter: RateLimiterAbstract,
  key: string,
  maxSeconds: number,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(error, maxSeconds);
    throw error;
  }
}

export interface ThrottleOptions {
  /** Namespace for the counters (Redis keys), so separate deployments sharing a Redis do not mix. */
  keyPrefix?: string;
}

export async function createThrottles(
  config: Config,
  options: ThrottleOptions = {},
): Promise<Throttles> {
  const prefix = options.keyPrefix ?? 'jotter';
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      })
    : undefined;
  const { RateLimiterCluster } = cluster.isWorker
    ? (require('rate-limiter-flexible/lib/RateLimiterCluster.js') as typeof Limiters)
    : { RateLimiterCluster: undefined };
  const RateLimiterRedis = redis
    ? (require('rate-limiter-flexible/lib/RateLimiterRedis.js') as typeof Limiters.RateLimiterRedis)
    : undefined;
  // Redis errors are reported by the limiter calls; without a listener ioredis would crash us.
  redis?.on('error', () => {});

  function limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const keyPrefix = `${prefix}:${name}`;
    // Workers of one machine count in their cluster primary, so the limit holds across them.
    if (!redis && RateLimiterCluster)
      return new RateLimiterCluster({ keyPrefix, points, duration, timeoutMs: 3000 });
    if (!redis || !RateLimiterRedis) return new RateLimiterMemory({ keyPrefix, points, duration });
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      // While Redis is unreachable each instance keeps counting on its own rather than letting
      // every attempt through.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }

  const login = limiter('login', config.loginMaxFailures, config.loginWindow);
  const register = limiter('register', config.registerMaxPerHour, 3600);
  const refresh = limiter('refresh', config.refreshMaxPerMinute, 60);
  const loginKey = (email: string, ip: string): string => `${email.toLowerCase()}|${ip}`;

  return {
    beginLogin: (email, ip) => consume(login, loginKey(email, ip), config.loginWindow),
    loginSucceeded: async (email, ip) => {
      await login.delete(loginKey(email, ip));
    },
    countRegistration: (ip) => consume(register, ip, 3600),
    countRefresh: (ip) => consume(refresh, ip, 60),
    close: async () => {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
