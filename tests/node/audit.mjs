// graphql-http's audit of a GraphQL-over-HTTP server: prints one JSON line per result.
// usage: node audit.mjs <url>
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url });
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    line.reason = result.reason;
    try {
      line.response = await result.response?.text?.();
    } catch {
      line.response = undefined;
    }
  }
  console.log(JSON.stringify(line));
}
