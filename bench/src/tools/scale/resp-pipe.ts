// Commands written to a Redis server as raw RESP on one socket, many thousands at a time: the scale
// probe's bulk fill, where building an ioredis command object and promise per command made filling a
// million sessions take 8 minutes on the loaded development machine.
import { connect, type Socket } from "node:net";

function encode(command: readonly string[]): string {
  let text = `*${command.length}\r\n`;
  for (const part of command) text += `$${Buffer.byteLength(part)}\r\n${part}\r\n`;
  return text;
}

export class RespPipe {
  readonly #socket: Socket;
  #pending: { replies: number; seen: number; failure?: string; resolve: () => void; reject: (error: Error) => void } | undefined;
  #carry = "";

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (data: string) => this.#read(data));
    socket.on("error", (error) => this.#pending?.reject(error));
  }

  static async open(port: number): Promise<RespPipe> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RespPipe(socket);
  }

  /**
   * Sends the commands and waits for every reply. Each must be `+OK` or a positive integer (a write
   * that happened); anything else (an error, SET NX finding the key, nothing to expire) rejects.
   */
  async send(commands: ReadonlyArray<readonly string[]>): Promise<void> {
    if (this.#pending) throw new Error("one send at a time");
    const done = new Promise<void>((resolve, reject) => {
      this.#pending = { replies: commands.length, seen: 0, resolve, reject };
    });
    this.#socket.write(commands.map(encode).join(""));
    try {
      await done;
    } finally {
      this.#pending = undefined;
    }
  }

  #read(data: string): void {
    const lines = (this.#carry + data).split("\r\n");
    this.#carry = lines.pop() ?? "";
    const pending = this.#pending;
    if (!pending) return;
    for (const line of lines) {
      pending.seen++;
      if (line !== "+OK" && !/^:[1-9]\d*$/.test(line)) pending.failure ??= `reply ${pending.seen}: ${line}`;
    }
    if (pending.seen < pending.replies) return;
    if (pending.failure) pending.reject(new Error(`bulk fill: ${pending.failure}`));
    else pending.resolve();
  }

  close(): void {
    this.#socket.destroy();
  }
}
