import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";

/** Whether something accepts TCP connections at host:port (within two seconds). */
export function isListening(target: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target.port, target.host);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The base URL of an in-process test server once it listens (e.g. `app.listen(0, "127.0.0.1")`). */
export async function listeningUrl(server: Server): Promise<string> {
  if (!server.listening) await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
