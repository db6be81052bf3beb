import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const entries: Record<string,string> = {
  sse: "export { useSSE, useConnectionState } from '@realtime-kit/react';",
  ws: "export { useWebSocket } from '@realtime-kit/react';",
  channel: "export { useChannel, usePresence, useConnectionState, RealtimeProvider } from '@realtime-kit/react';\nexport { websocketTransport } from '@realtime-kit/core/websocket';",
};
const only = process.argv[2];
for (const [name, src] of Object.entries(entries)) {
  if (only && only !== name) continue;
  const r = await build({ stdin: { contents: src, resolveDir: '/work/main/bench', loader: 'tsx' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', jsx: 'automatic', conditions: ['source'], define: { 'process.env.NODE_ENV': '"production"' }, external: ['react','react-dom','react/jsx-runtime'], write: false, metafile: true, legalComments: 'none', logLevel: 'silent' });
  const out = r.outputFiles[0];
  console.log(name, gzipSync(out.contents, {level:9}).byteLength, out.contents.byteLength);
  const meta = Object.values(r.metafile.outputs)[0];
  const rows = Object.entries(meta.inputs).map(([p,m]) => [m.bytesInOutput, p.replace(/^.*packages\//,'')] as const).filter(r=>r[0]>0).sort((a,b)=>b[0]-a[0]);
  for (const [b,p] of rows.slice(0, 45)) console.log('   ', b, p);
  if (process.env.DUMP) (await import('node:fs')).writeFileSync(`/tmp/${name}.min.js`, out.text);
}
