// A BullMQ (on ioredis) session: normal, delayed, prioritized, failing-then-retried jobs, a flow,
// a job scheduler, rate limiting, pause/resume and QueueEvents (XREAD BLOCK). BullMQ runs most of
// its work as Lua scripts. Prints a summary that does not depend on timing, so that the same
// session against redis-server and against KV must print the same line.
// usage: node bullmq-session.js PORT
const { Queue, Worker, QueueEvents, FlowProducer } = require('bullmq');
const port = +process.argv[2];
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const sleep = ms => new Promise(r => setTimeout(r, ms));
(async () => {
  const q = new Queue('q', { connection });
  await q.obliterate({ force: true }).catch(() => {});
  const events = new QueueEvents('q', { connection });
  await events.waitUntilReady();
  const seen = { completed: 0, failed: 0 };
  events.on('completed', () => seen.completed++);
  events.on('failed', () => seen.failed++);
  const order = [];
  const attempts = {};
  const worker = new Worker('q', async job => {
    attempts[job.name] = (attempts[job.name] || 0) + 1;
    if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error('boom');
    if (job.name === 'bad') throw new Error('always');
    order.push(job.name);
    await job.updateProgress(50);
    return { doubled: (job.data.n || 0) * 2 };
  }, { connection, concurrency: 1, limiter: { max: 50, duration: 1000 } });
  await q.pause();
  await q.add('low', { n: 1 }, { priority: 10 });
  await q.add('high', { n: 2 }, { priority: 1 });
  await q.add('plain', { n: 3 });
  await q.add('delayed', { n: 4 }, { delay: 2000 });
  await q.add('flaky', { n: 5 }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
  await q.add('bad', { n: 6 }, { attempts: 2 });
  await q.addBulk([...Array(20).keys()].map(i => ({ name: 'bulk', data: { n: i } })));
  const flow = new FlowProducer({ connection });
  await flow.add({ name: 'parent', queueName: 'q', data: { n: 7 }, children: [
    { name: 'child1', queueName: 'q', data: { n: 8 } }, { name: 'child2', queueName: 'q', data: { n: 9 } }] });
  const countsPaused = await q.getJobCounts('wait', 'prioritized', 'delayed', 'paused', 'waiting-children');
  await q.upsertJobScheduler('sched', { every: 300, limit: 3 }, { name: 'tick', data: { n: 10 } });
  await q.resume();
  // 31 = 3 + delayed + flaky + 20 bulk + parent and 2 children + 3 ticks; 'bad' fails
  for (let i = 0; i < 600 && (await q.getJobCounts('completed')).completed < 31; i++) await sleep(100);
  for (let i = 0; i < 100 && seen.completed < 31; i++) await sleep(100);
  const counts = await q.getJobCounts('completed', 'failed', 'delayed', 'wait', 'active', 'prioritized');
  const parent = (await q.getJobs(['completed'])).find(j => j.name === 'parent');
  const childValues = parent ? await parent.getChildrenValues() : {};
  const badJob = (await q.getJobs(['failed']))[0];
  const ticks = order.filter(n => n === 'tick').length;
  console.log(JSON.stringify({ countsPaused, counts, first3: order.slice(0, 3), flakyAttempts: attempts.flaky,
    badReason: badJob && badJob.failedReason, badAttempts: badJob && badJob.attemptsMade,
    parentAfterChildren: order.indexOf('parent') > order.indexOf('child1') && order.indexOf('parent') > order.indexOf('child2'),
    childValues: Object.values(childValues).map(v => v.doubled).sort(), ticks, delayedDone: order.includes('delayed'),
    eventsCompleted: seen.completed, eventsFailed: seen.failed }, null, 0));
  await worker.close(); await events.close(); await flow.close(); await q.close();
})().catch(e => { console.error('ERROR', e); process.exit(1); });
