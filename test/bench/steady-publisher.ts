// The fixed uploader's load sent at a steady rate, in its own process so that a busy monitor
// cannot slow the sending. Each event's `time` is when it was due, as a recorder would stamp it.
// Usage: node --import tsx test/bench/steady-publisher.ts <brokers> <topic> <events/s> <seconds>
import kafkajs from 'kafkajs';
import { simulateLoad } from '../../examples/uploader/load.ts';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';

const [brokers, topic, rateText, secondsText] = process.argv.slice(2);
const rate = Number(rateText);
const total = rate * Number(secondsText);
const TICK_MS = 5;

const load: SpecEvent[] = [];
simulateLoad({ events: total, uploads: Math.max(1, Math.round(total / 100)), users: 4, workers: 11, seed: 3 }, (e) => load.push(e));
const kafka = new kafkajs.Kafka({ clientId: 'specwatch-bench', brokers: [brokers!], logLevel: kafkajs.logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
await producer.connect();

const started = Date.now();
let sent = 0;
let sending = Promise.resolve();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(load.length, Math.floor(((Date.now() - started) / 1000) * rate));
    if (due <= sent) return;
    const messages: Array<{ key: string; value: string }> = [];
    for (let i = sent; i < due; i++) {
      const event = load[i]!;
      messages.push({ key: event.proc, value: encodeEvent({ ...event, time: started + Math.floor((i * 1000) / rate) }) });
    }
    sent = due;
    sending = sending.then(() => producer.send({ topic: topic!, acks: -1, messages }).then(() => undefined));
    if (sent >= load.length) {
      clearInterval(timer);
      resolve();
    }
  }, TICK_MS);
});
await sending;
await producer.disconnect();
process.stdout.write(`${JSON.stringify({ sent, seconds: (Date.now() - started) / 1000 })}\n`);
