// A graphql-ws (graphql-transport-ws) client: one subscription, each event printed as a
// JSON line. usage: node subscribe.mjs <ws url> <token or ""> <query> [variables JSON]
// Lines: {"connected":true} | {"next":<result>} | {"error":...} | {"closed":code,"reason":...}
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, token, query, variables] = process.argv.slice(2);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  lazy: false,
  connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  on: {
    connected: () => print({ connected: true }),
    closed: (event) => print({ closed: event.code, reason: event.reason }),
  },
});

client.subscribe(
  { query, variables: variables ? JSON.parse(variables) : {} },
  {
    next: (result) => print({ next: result }),
    error: (error) => {
      print({ error: error?.message ?? String(error?.code ?? error) });
      process.exit(0);
    },
    complete: () => {
      print({ complete: true });
      process.exit(0);
    },
  },
);
