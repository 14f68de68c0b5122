using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SafeMcp.Gateway.Config;

/// <summary>
/// Reads the gateway's YAML file (format in the README). Walks the YAML nodes rather than binding classes so
/// that every error names the line of the node that is wrong; unknown keys are errors, not silently ignored.
/// </summary>
internal static class GatewayConfigReader
{
    private static readonly string[] s_rootKeys = ["silo", "tenants", "http"];
    private static readonly string[] s_httpKeys = ["mode", "sessionIdleTimeout"];
    private static readonly string[] s_tenantKeys = ["name", "apiKey", "apiKeyEnv", "servers"];
    private static readonly string[] s_serverKeys = ["name", "command", "args", "env", "cwd", "url", "instruction"];

    /// <summary>Reads the file at <paramref name="path"/>; <paramref name="environment"/> resolves <c>apiKeyEnv</c>.</summary>
    public static GatewayConfig ReadFile(string path, Func<string, string?> environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigException($"{path}: cannot read the gateway configuration: {e.Message}", e);
        }
        try
        {
            return Read(text, environment);
        }
        catch (GatewayConfigException e)
        {
            throw new GatewayConfigException($"{path}:{e.Message}", e);
        }
    }

    /// <summary>Reads a configuration from YAML text; errors start with "line N:".</summary>
    public static GatewayConfig Read(string yaml, Func<string, string?> environment)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new GatewayConfigException($"line {e.Start.Line}: not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new GatewayConfigException("line 1: the configuration must be a mapping with 'silo' and 'tenants'.");
        }
        CheckKeys(root, s_rootKeys);
        var silo = AbsoluteUri(Required(root, "silo"), "silo");
        var tenants = Sequence(root, "tenants") ?? throw Error(root, "'tenants' is required: a list of tenants, each with its servers.");
        var servers = new List<UpstreamServerConfig>();
        var names = new Dictionary<string, Mark>(StringComparer.Ordinal);
        foreach (var tenantNode in tenants)
        {
            var tenant = tenantNode as YamlMappingNode ?? throw Error(tenantNode, "a tenant must be a mapping with 'name', 'apiKey' or 'apiKeyEnv', and 'servers'.");
            CheckKeys(tenant, s_tenantKeys);
            var tenantName = Text(Required(tenant, "name"), "name");
            var apiKey = ApiKey(tenant, tenantName, environment);
            var serverNodes = Sequence(tenant, "servers") ?? throw Error(tenant, $"tenant '{tenantName}' has no 'servers' list.");
            foreach (var serverNode in serverNodes)
            {
                var server = ReadServer(serverNode, tenantName, apiKey);
                if (names.TryGetValue(server.Name, out var first))
                {
                    throw Error(serverNode, $"server name '{server.Name}' is used twice (first at line {first.Line}); names must be unique.");
                }
                names[server.Name] = serverNode.Start;
                servers.Add(server);
            }
        }
        if (servers.Count == 0)
        {
            throw Error(root, "no upstream server is configured.");
        }
        return new GatewayConfig(silo, servers) { Http = ReadHttp(Optional(root, "http")) };
    }

    private static HttpDownstreamConfig ReadHttp(YamlNode? node)
    {
        var defaults = new HttpDownstreamConfig();
        if (node is null)
        {
            return defaults;
        }
        var http = node as YamlMappingNode ?? throw Error(node, "'http' must be a mapping with 'mode' and/or 'sessionIdleTimeout'.");
        CheckKeys(http, s_httpKeys);
        var stateful = Optional(http, "mode") switch
        {
            null => defaults.Stateful,
            var mode => Text(mode, "mode") switch
            {
                "stateful" => true,
                "stateless" => false,
                var other => throw Error(mode, $"'mode' must be 'stateful' or 'stateless', not '{other}'."),
            },
        };
        var idle = Optional(http, "sessionIdleTimeout") is { } timeout ? Duration(timeout, "sessionIdleTimeout") : defaults.SessionIdleTimeout;
        return new HttpDownstreamConfig { Stateful = stateful, SessionIdleTimeout = idle };
    }

    /// <summary>A positive duration written as a number and a unit: <c>90s</c>, <c>30m</c>, <c>2h</c>.</summary>
    private static TimeSpan Duration(YamlNode node, string what)
    {
        var text = Text(node, what);
        var unit = text[^1];
        var valid = double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0;
        TimeSpan? duration = !valid ? null : unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => null,
        };
        return duration ?? throw Error(node, $"'{what}' must be a positive duration such as 90s, 30m or 2h, not '{text}'.");
    }

    private static UpstreamServerConfig ReadServer(YamlNode node, string tenant, string apiKey)
    {
        var server = node as YamlMappingNode ?? throw Error(node, "a server must be a mapping with 'name' and either 'command' or 'url'.");
        CheckKeys(server, s_serverKeys);
        var name = Text(Required(server, "name"), "name");
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Error(server["name"], $"server name '{name}' may hold only ASCII letters, digits, '-', '_' and '.' (it is part of a URL path).");
        }
        var command = Optional(server, "command") is { } c ? Text(c, "command") : null;
        var url = Optional(server, "url") is { } u ? AbsoluteUri(u, "url") : null;
        if ((command is null) == (url is null))
        {
            throw Error(server, $"server '{name}' needs exactly one of 'command' (a stdio server) or 'url' (an HTTP server).");
        }
        if (url is not null && url.Scheme is not ("http" or "https"))
        {
            throw Error(server["url"], $"server '{name}': 'url' must be http or https, not '{url.Scheme}'.");
        }
        if (url is not null && (Optional(server, "args") ?? Optional(server, "env") ?? Optional(server, "cwd")) is { } stdioOnly)
        {
            throw Error(stdioOnly, $"server '{name}': 'args', 'env' and 'cwd' apply to a 'command', not to a 'url'.");
        }
        var arguments = Optional(server, "args") switch
        {
            null => [],
            YamlSequenceNode list => list.Select(a => Text(a, "args item")).ToArray(),
            var other => throw Error(other, $"server '{name}': 'args' must be a list of strings."),
        };
        var environment = Optional(server, "env") switch
        {
            null => new Dictionary<string, string?>(),
            YamlMappingNode map => map.ToDictionary(e => Text(e.Key, "env name"), e => (string?)Text(e.Value, "env value")),
            var other => throw Error(other, $"server '{name}': 'env' must be a mapping of names to strings."),
        };
        var cwd = Optional(server, "cwd") is { } d ? Text(d, "cwd") : null;
        var instruction = Optional(server, "instruction") is { } i ? Text(i, "instruction") : null;
        return new UpstreamServerConfig(name, tenant, apiKey, command, arguments, environment, cwd, url, instruction);
    }

    private static string ApiKey(YamlMappingNode tenant, string tenantName, Func<string, string?> environment)
    {
        var literal = Optional(tenant, "apiKey");
        var variable = Optional(tenant, "apiKeyEnv");
        if ((literal is null) == (variable is null))
        {
            throw Error(tenant, $"tenant '{tenantName}' needs exactly one of 'apiKey' (the key) or 'apiKeyEnv' (the environment variable holding it).");
        }
        if (literal is not null)
        {
            return Text(literal, "apiKey");
        }
        var name = Text(variable!, "apiKeyEnv");
        return environment(name) is { Length: > 0 } key
            ? key
            : throw Error(variable!, $"tenant '{tenantName}': the environment variable '{name}' named by 'apiKeyEnv' is not set.");
    }

    private static void CheckKeys(YamlMappingNode map, string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Error(key, $"unknown key '{name}'; expected one of: {string.Join(", ", allowed)}.");
            }
        }
    }

    private static YamlNode? Optional(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static YamlNode Required(YamlMappingNode map, string key) =>
        Optional(map, key) ?? throw Error(map, $"'{key}' is required.");

    private static YamlSequenceNode? Sequence(YamlMappingNode map, string key) => Optional(map, key) switch
    {
        null => null,
        YamlSequenceNode list => list,
        var other => throw Error(other, $"'{key}' must be a list."),
    };

    private static string Text(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(node, $"'{what}' must be a non-empty string.");

    private static Uri AbsoluteUri(YamlNode node, string what)
    {
        var text = Text(node, what);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw Error(node, $"'{what}' is not an absolute URL: '{text}'.");
    }

    private static GatewayConfigException Error(YamlNode node, string message) => new($"line {node.Start.Line}: {message}");
}
