// ioredis on its own (pipelines, defineCommand's EVALSHA with its NOSCRIPT fallback, scanStream,
// keyPrefix) and three libraries built on it: rate-limiter-flexible and redlock (Lua), bee-queue.
// Prints one JSON array that must be the same against redis-server and against KV.
// usage: node ioredis-libraries-session.js PORT
const Redis = require('ioredis');
const { RateLimiterRedis } = require('rate-limiter-flexible');
const Redlock = require('redlock').default;
const Queue = require('bee-queue');
const port = +process.argv[2];
(async () => {
  const out = [];
  const redis = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: true });
  await redis.flushall();
  const rl = new RateLimiterRedis({ storeClient: redis, points: 3, duration: 10, keyPrefix: 'rl' });
  for (let i = 0; i < 5; i++) { try { const r = await rl.consume('user1'); out.push(['ok', r.remainingPoints]); } catch (e) { out.push(['limited', e.remainingPoints, e.msBeforeNext > 0]); } }
  const redlock = new Redlock([redis], { retryCount: 0 });
  const lock = await redlock.acquire(['res:1'], 5000);
  try { await redlock.acquire(['res:1'], 5000); out.push('second acquired?!'); } catch (e) { out.push('second refused'); }
  const ext = await lock.extend(8000); out.push(['extended', ext.expiration > lock.expiration]);
  await ext.release(); const l2 = await redlock.acquire(['res:1'], 1000); out.push('reacquired'); await l2.release();
  // ioredis specifics: pipeline, defineCommand (EVALSHA with NOSCRIPT fallback), scanStream, keyPrefix
  redis.defineCommand('addtwo', { numberOfKeys: 1, lua: 'return redis.call("incrby", KEYS[1], 2)' });
  out.push(['pipeline', await redis.pipeline().set('p', 1).incr('p').addtwo('p').get('p').exec()]);
  const keys = []; await new Promise(r => redis.scanStream({ match: 'r*', count: 2 }).on('data', k => keys.push(...k)).on('end', r));
  out.push(['scanStream', keys.sort()]);
  const pre = new Redis({ port, host: '127.0.0.1', keyPrefix: 'app:' }); await pre.set('x', 1); out.push(['prefixed', await redis.get('app:x')]); pre.disconnect();
  const q = new Queue('bq', { redis: { port, host: '127.0.0.1' }, removeOnSuccess: false });
  q.process(async job => job.data.x * 3);
  const done = [];
  for (let i = 0; i < 5; i++) { const j = await q.createJob({ x: i }).retries(1).save(); done.push(new Promise(r => j.on('succeeded', r))); }
  out.push(['beequeue', (await Promise.all(done)).sort()]);
  out.push(['bqhealth', await q.checkHealth()]);
  await q.close();
  console.log(JSON.stringify(out));
  redis.disconnect();
})().catch(e => { console.error('FATAL', e); process.exit(1); });
