export { createRedisBroker, createRedisStore } from './redis-broker.js';
export type { RedisBroker, RedisBrokerOptions, RedisBrokerSubscription, RedisStore, RedisStoreOptions } from './redis-broker.js';
