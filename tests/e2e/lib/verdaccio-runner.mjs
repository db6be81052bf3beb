// Runs verdaccio from its programmatic API: its CLI refuses Node < 22, the server itself runs fine on Node 20.
// Usage: node verdaccio-runner.mjs <config.yaml> <port>   (prints READY <url> once listening)
import { runServer } from 'verdaccio';

const [configPath, port] = process.argv.slice(2);
const server = await runServer(configPath);
server.listen(Number(port), '127.0.0.1', () => console.log(`READY http://127.0.0.1:${port}/`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
