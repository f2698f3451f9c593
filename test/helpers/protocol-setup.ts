import { protocolViolations } from "./protocol-check";

// Every lobby message any test client received (MessageLog) matched its schema in shared/.
afterAll(() => {
  expect(protocolViolations()).toEqual([]);
});
