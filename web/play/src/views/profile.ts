import { LobbyApiError } from "../../../../shared/client";
import { announce, byId } from "../dom";
import type { Session } from "../session";

/** The player's own name in the top bar, and the form that changes their display name. */
export class ProfileView {
  constructor(private readonly session: Session) {
    byId<HTMLFormElement>("display-name-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.rename(byId<HTMLInputElement>("display-name").value);
    });
  }

  render(): void {
    const { username, displayName } = this.session.account;
    const me = byId("me");
    me.textContent = displayName;
    me.title = `@${username}`;
    byId<HTMLInputElement>("display-name").value = displayName;
  }

  private async rename(displayName: string): Promise<void> {
    try {
      const account = await this.session.client.setDisplayName(displayName);
      this.render();
      announce(`You are now shown as ${account.displayName}.`);
    } catch (err) {
      announce(err instanceof LobbyApiError ? `Name not changed: ${err.message}` : "Name not changed.", "error");
    }
  }
}
