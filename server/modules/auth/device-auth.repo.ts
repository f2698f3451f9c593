import type { PrismaClient } from "../../db/database";
import { isUniqueViolation } from "../../db/db-errors";
import { NO_PASSWORD } from "./auth.types";

export interface DeviceAccount {
  accountId: string;
  username: string;
  displayName: string;
  disabled: boolean;
  /** The guest upgraded: the device no longer logs in by itself. */
  retired: boolean;
}

/** Device credentials (hashed) and the guest accounts they log in to. */
export class DeviceAuthRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /** The account the device logs in to (its last use recorded), or null for a device never seen. */
  async find(idHash: string, now: Date): Promise<DeviceAccount | null> {
    const device = await this.prisma.deviceCredential.findUnique({
      where: { idHash },
      select: { retiredAt: true, account: { select: { id: true, username: true, displayName: true, disabledAt: true } } },
    });
    if (!device) return null;
    if (!device.retiredAt) await this.prisma.deviceCredential.update({ where: { idHash }, data: { lastUsedAt: now } });
    return { accountId: device.account.id, username: device.account.username, displayName: device.account.displayName, disabled: device.account.disabledAt !== null, retired: device.retiredAt !== null };
  }

  /**
   * A guest account and the device's credential, in one transaction. `device_taken`: the same
   * device was registered meanwhile (a concurrent first call); `username_taken`: the generated
   * name collided (try another).
   */
  async createGuest(g: { accountId: string; username: string; usernameKey: string; idHash: string; now: Date }): Promise<"created" | "device_taken" | "username_taken"> {
    try {
      await this.prisma.$transaction(async (tx) => {
        await tx.account.create({ data: { id: g.accountId, username: g.username, usernameKey: g.usernameKey, displayName: g.username, passwordHash: NO_PASSWORD, guest: true, createdAt: g.now } });
        await tx.deviceCredential.create({ data: { idHash: g.idHash, accountId: g.accountId, createdAt: g.now, lastUsedAt: g.now } });
      });
      return "created";
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const device = await this.prisma.deviceCredential.findUnique({ where: { idHash: g.idHash }, select: { idHash: true } });
      return device ? "device_taken" : "username_taken";
    }
  }

  /**
   * Turns the guest into a full account, keeping its id (and so everything it owns): its username
   * and password are set and its devices retired. A display name the guest never changed (still
   * its generated username) becomes the new username. `not_guest`: the account is not a guest (any
   * more); `username_taken`: the name (compared case-insensitively) is someone else's.
   */
  async upgrade(u: { accountId: string; username: string; usernameKey: string; passwordHash: string; now: Date }): Promise<{ outcome: "upgraded"; displayName: string } | { outcome: "not_guest" | "username_taken" }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const guest = await tx.account.findFirst({ where: { id: u.accountId, guest: true }, select: { username: true, displayName: true } });
        if (!guest) return { outcome: "not_guest" as const };
        const displayName = guest.displayName === guest.username ? u.username : guest.displayName;
        const { count } = await tx.account.updateMany({
          where: { id: u.accountId, guest: true },
          data: { username: u.username, usernameKey: u.usernameKey, displayName, passwordHash: u.passwordHash, guest: false },
        });
        if (count === 0) return { outcome: "not_guest" as const };
        await tx.deviceCredential.updateMany({ where: { accountId: u.accountId, retiredAt: null }, data: { retiredAt: u.now } });
        return { outcome: "upgraded" as const, displayName };
      });
    } catch (err) {
      if (isUniqueViolation(err)) return { outcome: "username_taken" };
      throw err;
    }
  }
}
