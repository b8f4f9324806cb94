/** Port probes: is a port free to bind, and wait until something accepts connections on it. */
import net from 'node:net';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Ports this process handed out already: the OS may offer a just-closed port again before its taker binds it. */
const handedOut = new Set<number>();

/**
 * An ephemeral port the OS considers free right now, never one this process handed out before (callers
 * that ask for several ports before starting anything, e.g. a public and a metrics port, get distinct ones).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Free ports for a stack of our own (tests, bench): `{ router, users, products, reviews, orders }`. */
export async function freeStackPorts(): Promise<Record<'router' | 'users' | 'products' | 'reviews' | 'orders', number>> {
  return { router: await freePort(), users: await freePort(), products: await freePort(), reviews: await freePort(), orders: await freePort() };
}

export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered on ${host}:${port} within ${timeoutMs} ms`);
}
