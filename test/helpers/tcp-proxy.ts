import net from "node:net";

/**
 * A TCP forwarder in front of a real service (PostgreSQL by default) that a test can cut,
 * blackhole and restore, to make the service unreachable without stopping it for everyone else.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private boundPort = 0;
  private holing = false;

  private constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on an ephemeral port of 127.0.0.1 and forwards every connection to `target`. */
  static async start(target = { host: "127.0.0.1", port: 5432 }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.boundPort = await proxy.listen(0);
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `url` (e.g. a postgres:// URL) with its host and port replaced by this proxy's. */
  rewrite(url: string): string {
    const u = new URL(url);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  /** Stops accepting and drops every open connection: the target looks down. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Keeps every connection open (and accepts new ones) but forwards nothing, either way: bytes
   * sent meanwhile are dropped, as a network that silently loses packets would. No RST, no FIN.
   */
  blackhole(): void {
    this.holing = true;
  }

  /** Accepts and forwards again, on the same port (after cut() or blackhole()). */
  async restore(): Promise<void> {
    this.holing = false;
    if (!this.server) await this.listen(this.port);
  }

  close(): Promise<void> {
    return this.cut();
  }

  private listen(port: number): Promise<number> {
    const server = net.createServer((client) => this.forward(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Not pipe(): while blackholed each chunk is dropped, so no backpressure and no later burst.
    const relay = (from: net.Socket, to: net.Socket) =>
      from.on("data", (chunk: Buffer) => {
        if (!this.holing && !to.destroyed) to.write(chunk);
      });
    relay(client, upstream);
    relay(upstream, client);
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  }
}
