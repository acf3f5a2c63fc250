// A TCP proxy on loopback that holds every chunk `ms` in each direction: a round trip of 2 x ms,
// as a cluster across a network has and a server on loopback has not, so the bench can show what
// a round of requests costs. Nagle is off on both sides, as Node's and Go's HTTP clients have it
// (with it, a delayed ACK adds 40 ms to small writes).
import net from 'node:net';

export async function delayProxy(
  port: number,
  ms: number,
): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const pipe = (from: net.Socket, to: net.Socket) => {
    sockets.add(from);
    from.on('data', (c: Buffer) => setTimeout(() => to.write(c), ms));
    from.on('end', () => setTimeout(() => to.end(), ms));
    from.on('error', () => to.destroy());
    from.on('close', () => sockets.delete(from));
  };
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ port, host: '127.0.0.1', noDelay: true });
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
