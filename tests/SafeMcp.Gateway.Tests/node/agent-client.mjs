// An agent's MCP client from npm, driving a gateway endpoint the way a real agent would: the TypeScript SDK v2
// (@modelcontextprotocol/client, MCP 2026-07-28) or v1 (@modelcontextprotocol/sdk, 2025-11-25), over Streamable
// HTTP. Usage: node agent-client.mjs v1|v2 URL KEY SCRIPT_JSON, where SCRIPT_JSON is a list of
// {"call": name, "arguments": {...}} or {"list": true}. Prints one JSON line: the results, in order.
const [sdk, url, key, script] = process.argv.slice(2);
const steps = JSON.parse(script);
const { Client, StreamableHTTPClientTransport } = sdk === "v2"
  ? await import("@modelcontextprotocol/client")
  : {
      Client: (await import("@modelcontextprotocol/sdk/client/index.js")).Client,
      StreamableHTTPClientTransport: (await import("@modelcontextprotocol/sdk/client/streamableHttp.js")).StreamableHTTPClientTransport,
    };

// v2 negotiates the 2025 way unless told otherwise: pinned here to 2026-07-28 (server/discover, no initialize).
const options = sdk === "v2" ? { capabilities: {}, versionNegotiation: { mode: { pin: "2026-07-28" } } } : { capabilities: {} };
const client = new Client({ name: `agent-${sdk}`, version: "1.0.0" }, options);
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
await client.connect(transport);
const results = [];
for (const step of steps) {
  if (step.list) {
    results.push({ tools: (await client.listTools()).tools.map((t) => t.name) });
  } else {
    const result = await client.callTool({ name: step.call, arguments: step.arguments });
    results.push({ isError: result.isError === true, text: result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n") });
  }
}
console.log(JSON.stringify({ protocolVersion: transport.protocolVersion ?? null, results }));
await client.close();
