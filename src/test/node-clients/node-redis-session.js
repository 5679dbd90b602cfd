// A node-redis session over RESP3 with its client-side cache (CLIENT TRACKING), touching every data
// type, Lua and functions, transactions, pub/sub and sharded pub/sub. Prints every reply as one
// JSON array, so that the same session against redis-server and against KV must print the same.
// usage: node node-redis-session.js PORT
const { createClient } = require('redis');
const port = +process.argv[2];
(async () => {
  const out = [];
  const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false }, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
  c.on('error', e => out.push('clientError ' + e.message));
  await c.connect();
  await c.flushAll();
  const r = async (name, f) => { try { out.push([name, await f()]); } catch (e) { out.push([name, 'ERR:' + e.message]); } };
  await r('set', () => c.set('k', 'v', { expiration: { type: 'PX', value: 100000 } }));
  await r('get', () => c.get('k')); await r('get2', () => c.get('k'));
  await r('cacheHits', async () => { await c.set('k', 'v2'); await new Promise(s => setTimeout(s, 50)); return c.get('k'); });
  await r('hset', () => c.hSet('h', { a: '1', b: '2' })); await r('hgetall', () => c.hGetAll('h'));
  await r('zadd', () => c.zAdd('z', [{ score: 1.5, value: 'a' }, { score: 2, value: 'b' }]));
  await r('zrangews', () => c.zRangeWithScores('z', 0, -1)); await r('zscore', () => c.zScore('z', 'a'));
  await r('zmpop', () => c.zmPop('z', 'MIN', { COUNT: 1 }));
  await r('sadd', () => c.sAdd('s', ['x', 'y'])); // 7.0 keeps small sets of strings in a hash table (order by hash), 7.2 and KV in a listpack
  await r('smembers', async () => (await c.sMembers('s')).sort());
  await r('lpush', () => c.lPush('l', ['1', '2', '3'])); await r('lpos', () => c.lPos('l', '2'));
  await r('blmpop', () => c.blmPop(0.1, ['l'], 'LEFT', { COUNT: 2 }));
  await r('xadd', () => c.xAdd('st', '1-1', { f: 'v' })); await r('xrange', () => c.xRange('st', '-', '+'));
  await r('xgroup', () => c.xGroupCreate('st', 'g', '0')); await r('xreadgroup', () => c.xReadGroup('g', 'c1', { key: 'st', id: '>' }));
  // radix-tree-nodes counts redis' rax nodes; KV has no radix tree (README)
  await r('xinfo', async () => { const i = await c.xInfoStream('st'); delete i['radix-tree-nodes']; return i; });
  await r('xpending', () => c.xPending('st', 'g'));
  await r('incrbyfloat', () => c.incrByFloat('f', 0.1));
  await r('geoadd', () => c.geoAdd('g', { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' }));
  await r('geosearch', () => c.geoSearchWith('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, ['WITHDIST', 'WITHCOORD']));
  await r('pfadd', () => c.pfAdd('hll', ['a', 'b'])); await r('pfcount', () => c.pfCount('hll'));
  await r('eval', () => c.eval('return {1, redis.call("get", KEYS[1]), {err="x"}}', { keys: ['k'] }).catch(e => 'E:' + e.message));
  await r('evalmap', () => c.eval('redis.setresp(3); return redis.call("hgetall", KEYS[1])', { keys: ['h'] }));
  await r('fcall', async () => { await c.functionLoad("#!lua name=lib\nredis.register_function('f', function(k, a) return a[1] end)", { REPLACE: true }); return c.fCall('f', { arguments: ['hi'] }); });
  await r('object', () => c.objectEncoding('h'));
  await r('memusage', async () => typeof (await c.memoryUsage('h')));
  await r('type', () => c.type('st')); await r('scan', async () => { const s = await c.scan('0', { TYPE: 'zset' }); return [s.cursor, s.keys.sort()]; });
  await r('sort', () => c.sort('s', { ALPHA: true, DIRECTION: 'DESC' }));
  await r('copy', () => c.copy('h', 'h2')); await r('dump', async () => (await c.dump('h2')) != null);
  await r('wrongtype', () => c.lPush('h', 'x'));
  await r('multi', () => c.multi().set('a', '1').incr('a').get('a').exec());
  const sub = c.duplicate(); await sub.connect(); const msgs = [];
  await sub.subscribe('ch', m => msgs.push(m)); await sub.sSubscribe('sch', m => msgs.push('s:' + m));
  await c.publish('ch', 'hello'); await c.sPublish('sch', 'shard');
  await new Promise(s => setTimeout(s, 100)); out.push(['pubsub', msgs]);
  await r('pubsubnumsub', () => c.pubSubNumSub('ch'));
  await sub.quit();
  await r('hello', async () => { const h = await c.hello(); return [h.proto, h.mode, h.role]; });
  await r('clientinfo', async () => (await c.clientInfo()).resp);
  console.log(JSON.stringify(out, (k, v) => typeof v === 'bigint' ? v.toString() : v));
  await c.quit();
})().catch(e => { console.error('FATAL', e); process.exit(1); });
