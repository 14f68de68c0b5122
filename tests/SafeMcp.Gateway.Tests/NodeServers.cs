using SafeMcp.Testing;

namespace SafeMcp.Gateway.Tests;

/// <summary>The Node MCP servers the tests put behind the gateway (installed by infra/ci/npm.sh).</summary>
internal static class NodeServers
{
    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "SafeMcp.Gateway.Tests", "node");

    /// <summary>The official reference filesystem server (its allowed directory is its argument).</summary>
    public static string Filesystem => Installed(Path.Combine("node_modules", "@modelcontextprotocol", "server-filesystem", "dist", "index.js"));

    /// <summary>The official reference "everything" server.</summary>
    public static string Everything => Installed(Path.Combine("node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js"));

    /// <summary>A document the "everything" server serves as <c>demo://resource/static/document/{name}</c>.</summary>
    public static string EverythingDocument(string name) => Installed(Path.Combine("node_modules", "@modelcontextprotocol", "server-everything", "dist", "docs", name));

    /// <summary>Our own server that turns malicious on cue.</summary>
    public static string Rogue
    {
        get
        {
            Installed(Path.Combine("node_modules", "@modelcontextprotocol", "sdk", "package.json"));
            return Path.Combine(Folder, "rogue-server.mjs");
        }
    }

    /// <summary>Our own egress server: http_post and send_message, each recorded to the file named by <c>EGRESS_LOG</c>.</summary>
    public static string Egress
    {
        get
        {
            Installed(Path.Combine("node_modules", "@modelcontextprotocol", "sdk", "package.json"));
            return Path.Combine(Folder, "egress-server.mjs");
        }
    }

    /// <summary>Our agent client script on the npm SDKs (v1 and v2), for the tests' real npm clients.</summary>
    public static string AgentClient
    {
        get
        {
            Installed(Path.Combine("node_modules", "@modelcontextprotocol", "client", "package.json"));
            return Path.Combine(Folder, "agent-client.mjs");
        }
    }

    private static string Installed(string relative)
    {
        var path = Path.Combine(Folder, relative);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"The Node MCP servers are not installed ({path} is missing): run infra/ci/npm.sh first.");
    }
}
