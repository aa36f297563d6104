// Each box's address on the box network. Shiplab attaches boxes to the bridge itself
// (boxNetwork.ts, attachBox), so Docker's address management does not know them. A box's
// address follows from the interface index of its port on the bridge: the kernel never
// gives two live interfaces the same index, so two boxes get the same address only if
// their indexes are a whole number of subnets apart (thousands of interfaces made while
// one box lives), which attachBox checks for. It needs no record: a restarted server, or
// a second manager in the tests, reads it back from the port.

function toNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function toAddress(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export class BoxSubnet {
  private readonly first: number;
  /** Addresses a box may have: all of the subnet's but its own, the broadcast and the gateway's. */
  private readonly count: number;
  private readonly gateway: number;
  readonly prefixLength: number;

  constructor(subnet: string, gateway: string) {
    const [base, len] = subnet.split("/");
    this.prefixLength = Number(len);
    if (!Number.isInteger(this.prefixLength) || this.prefixLength < 8 || this.prefixLength > 30) {
      throw new Error(`the box network's subnet ${subnet} is not one Shiplab can hand addresses out of`);
    }
    const size = 2 ** (32 - this.prefixLength);
    const network = toNumber(base) - (toNumber(base) % size);
    this.first = network + 1;
    this.gateway = toNumber(gateway);
    const gatewayInside = this.gateway >= this.first && this.gateway <= network + size - 2;
    this.count = size - 2 - (gatewayInside ? 1 : 0);
  }

  /** The address of the box whose port has interface index `ifindex`. */
  addressFor(ifindex: number): string {
    if (!Number.isInteger(ifindex) || ifindex < 1) throw new Error(`not an interface index: ${ifindex}`);
    const n = this.first + (ifindex % this.count);
    // Skipping the gateway: every address at or past it moves up by one.
    return toAddress(n >= this.gateway && this.gateway >= this.first ? n + 1 : n);
  }
}
