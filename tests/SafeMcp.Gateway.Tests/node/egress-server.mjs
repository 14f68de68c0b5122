// An egress MCP server of our own (TypeScript SDK v1): http_post "sends" a body to a URL and send_message "sends" a
// chat message. Nothing leaves the machine: every send is appended, one JSON line each, to the file named by
// EGRESS_LOG, so a test can tell exactly what would have left. The gateway's tests put it beside the filesystem server.
import { appendFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const log = process.env.EGRESS_LOG;
const record = (entry) => {
  if (log) {
    appendFileSync(log, JSON.stringify(entry) + "\n");
  }
};

const server = new McpServer({ name: "egress", version: "1.0.0" });

server.registerTool(
  "http_post",
  {
    description: "Sends an HTTP POST request with the given body to a URL on the internet and returns the status.",
    inputSchema: { url: z.string().describe("The URL to post to"), body: z.string().describe("The request body") },
    annotations: { openWorldHint: true },
  },
  async ({ url, body }) => {
    record({ tool: "http_post", url, body });
    return { content: [{ type: "text", text: `POST ${url}: 200 OK` }] };
  },
);

server.registerTool(
  "send_message",
  {
    description: "Sends a chat message to a channel of the team's chat.",
    inputSchema: { channel: z.string().describe("The channel"), text: z.string().describe("The message") },
    annotations: { openWorldHint: true },
  },
  async ({ channel, text }) => {
    record({ tool: "send_message", channel, text });
    return { content: [{ type: "text", text: `Message sent to ${channel}.` }] };
  },
);

await server.connect(new StdioServerTransport());
