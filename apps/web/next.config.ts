import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  cacheComponents: true,
  // Loaded by Node at run time, not bundled: the custom server (server.mjs) and the route handlers then share one
  // module instance and one hub, and optional peers (ioredis, socket.io) are only resolved when used.
  serverExternalPackages: ['@realtime-kit/server'],
  partialPrefetching: true,
  turbopack: { rules: { '*.css': { loaders: ['@tailwindcss/turbopack'], as: '*.css' } } },
};

export default nextConfig;
