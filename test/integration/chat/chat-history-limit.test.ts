import { ErrorCode } from "../../../shared/codes";
import { errorBody } from "../../helpers/http";
import { newPlayer } from "../../helpers/social";
import { startChatServer, type ChatTestServer } from "./chat-fixture";

// A history page reads and sends up to 100 messages: GET /chat/channels/{id}/messages is limited
// per account (120 a minute, every process together), so one account cannot make the server read
// without bound; another account is not affected.
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

const page = (token: string) => t.api.get("/chat/channels/public:general/messages?limit=100", { token });

test("120 history pages a minute per account, then 429 rate_limited with Retry-After; others unaffected", async () => {
  const [reader, other] = [await newPlayer(t.api), await newPlayer(t.api)];
  for (let i = 0; i < 120; i++) expect((await page(reader.token)).status).toBe(200);
  const refused = await page(reader.token);
  expect(refused.status).toBe(429);
  expect(errorBody(refused).code).toBe(ErrorCode.RateLimited);
  expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
  expect((await page(other.token)).status).toBe(200);
});
