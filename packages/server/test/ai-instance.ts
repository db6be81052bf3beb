// One server instance of the AI Redis tests, run as its own process (so it can be SIGKILLed mid-generation) with
// `node --conditions=source --import tsx`: the chat route and a WebSocket endpoint over Redis, with a paced mock model.
// Env: REDIS_URL, TOKENS, DELAY_MS, HEARTBEAT_MS. Prints "READY <api>" once listening.
import { createRealtime } from '../src/index.js';
import { pacedModel, startChatServer } from './ai-helpers.js';

const env = process.env;
const realtime = await createRealtime({
  redis: env.REDIS_URL,
  rateLimit: false,
  subscribeLimit: false,
  onError: (error) => console.error('[ai-instance]', error),
});
const paced = pacedModel(Number(env.TOKENS ?? 100), Number(env.DELAY_MS ?? 20));
const server = await startChatServer(realtime, paced.model, { heartbeatMs: Number(env.HEARTBEAT_MS ?? 200) });
console.log(`READY ${server.api}`);
