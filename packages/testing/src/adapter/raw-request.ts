import { connect } from "node:net";

/**
 * Sends bytes fetch() would refuse to send (control characters, oversized headers) over a raw
 * socket and returns the status code the server answered with (0 when it closed without one).
 */
export function rawRequest(baseUrl: string, head: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${head}\r\n\r\n`));
    let response = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      response += chunk;
    });
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)) : reject(error),
    );
    socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}
