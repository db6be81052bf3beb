export { createRedisBroker, DEFAULT_REDIS_RETENTION_MS } from './redis-broker.js';
export type { RedisBroker, RedisBrokerOptions, RedisBrokerSubscription, RedisMessageStates } from './redis-broker.js';
export { createRedisCluster, DEFAULT_HEARTBEAT_MS } from './redis-cluster.js';
export type { RedisCluster, RedisClusterOptions } from './redis-cluster.js';
export { createRedisStore } from './redis-key-value-store.js';
export type { RedisStore, RedisStoreOptions } from './redis-key-value-store.js';
