using Microsoft.Extensions.Logging;
using SafeMcp.Gateway.Upstream;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SafeMcp.Gateway.Config;

/// <summary>
/// Reads the gateway's YAML file (format in the README). Walks the YAML nodes rather than binding classes so
/// that every error names the line of the node that is wrong; unknown keys are errors, not silently ignored.
/// </summary>
internal static class GatewayConfigReader
{
    private static readonly string[] s_rootKeys = ["silo", "tenants", "http", "logLevel", "approvalKeyEnv"];
    private static readonly string[] s_httpKeys = ["mode", "sessionIdleTimeout", "allowedOrigins", "allowedHosts"];
    private static readonly string[] s_tenantKeys = ["name", "apiKey", "apiKeyEnv", "servers", "profiles", "callers"];
    private static readonly string[] s_serverKeys = ["name", "command", "args", "env", "inheritEnv", "relay", "cwd", "url", "instruction"];
    private static readonly string[] s_profileKeys = ["name", "servers", "instruction"];
    private static readonly string[] s_callerKeys = ["name", "key", "keyEnv"];
    private static readonly string[] s_relayable = ["sampling", "elicitation", "roots"];

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
        var profiles = new List<ProfileConfig>();
        var callers = new List<CallerConfig>();
        var names = new Dictionary<string, Mark>(StringComparer.Ordinal);
        var secretVariables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenantNode in tenants)
        {
            var tenant = tenantNode as YamlMappingNode ?? throw Error(tenantNode, "a tenant must be a mapping with 'name', 'apiKey' or 'apiKeyEnv', and 'servers'.");
            CheckKeys(tenant, s_tenantKeys);
            var tenantName = Text(Required(tenant, "name"), "name");
            var apiKey = ApiKey(tenant, tenantName, environment);
            NoteVariable(tenant, "apiKeyEnv", secretVariables);
            var serverNodes = Sequence(tenant, "servers") ?? throw Error(tenant, $"tenant '{tenantName}' has no 'servers' list.");
            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var serverNode in serverNodes)
            {
                var server = ReadServer(serverNode, tenantName, apiKey);
                Claim(names, server.Name, serverNode);
                own.Add(server.Name);
                servers.Add(server);
            }
            foreach (var profileNode in Sequence(tenant, "profiles") ?? [])
            {
                var profile = ReadProfile(profileNode, tenantName, apiKey, own);
                Claim(names, profile.Name, profileNode);
                profiles.Add(profile);
            }
            foreach (var callerNode in Sequence(tenant, "callers") ?? [])
            {
                callers.Add(ReadCaller(callerNode, tenantName, environment));
                if (callerNode is YamlMappingNode callerMap)
                {
                    NoteVariable(callerMap, "keyEnv", secretVariables);
                }
            }
        }
        if (servers.FirstOrDefault(s => s.InheritEnvironment.Any(secretVariables.Contains)) is { } leaky)
        {
            throw new GatewayConfigException($"server '{leaky.Name}': 'inheritEnv' may not pass a variable that holds a key of this file ({string.Join(", ", leaky.InheritEnvironment.Where(secretVariables.Contains))}).");
        }
        if (servers.Count == 0)
        {
            throw Error(root, "no upstream server is configured.");
        }
        var logLevel = Optional(root, "logLevel") is { } level ? LogLevelOf(level) : LogLevel.Information;
        string? approvalKey = null;
        if (Optional(root, "approvalKeyEnv") is { } approvalNode)
        {
            var variable = Text(approvalNode, "approvalKeyEnv");
            approvalKey = environment(variable) is { Length: >= 32 } value
                ? value
                : throw Error(approvalNode, $"the environment variable '{variable}' named by 'approvalKeyEnv' must hold at least 32 characters.");
            secretVariables.Add(variable);
        }
        return new GatewayConfig(silo, servers) { Profiles = profiles, Callers = callers, SecretVariables = secretVariables, ApprovalKey = approvalKey, Http = ReadHttp(Optional(root, "http")), LogLevel = logLevel };
    }

    private static void NoteVariable(YamlMappingNode map, string key, HashSet<string> variables)
    {
        if (Optional(map, key) is YamlScalarNode { Value: { Length: > 0 } name })
        {
            variables.Add(name);
        }
    }

    // Servers and profiles share one namespace: both name an endpoint (/mcp/{name}).
    private static void Claim(Dictionary<string, Mark> names, string name, YamlNode node)
    {
        if (names.TryGetValue(name, out var first))
        {
            throw Error(node, $"the name '{name}' is used twice (first at line {first.Line}); server and profile names must be unique.");
        }
        names[name] = node.Start;
    }

    private static ProfileConfig ReadProfile(YamlNode node, string tenant, string apiKey, IReadOnlySet<string> tenantServers)
    {
        var profile = node as YamlMappingNode ?? throw Error(node, "a profile must be a mapping with 'name' and 'servers'.");
        CheckKeys(profile, s_profileKeys);
        var name = EndpointName(profile, "profile");
        var list = Sequence(profile, "servers") ?? throw Error(profile, $"profile '{name}' needs 'servers': the names of the tenant's servers it fronts.");
        var members = list.Select(n => (Node: n, Name: Text(n, "servers item"))).ToArray();
        foreach (var (memberNode, member) in members)
        {
            if (!tenantServers.Contains(member))
            {
                throw Error(memberNode, $"profile '{name}': '{member}' is not a server of tenant '{tenant}'.");
            }
            if (member.Contains(ToolNamespace.Separator, StringComparison.Ordinal))
            {
                throw Error(memberNode, $"profile '{name}': server name '{member}' holds '{ToolNamespace.Separator}', the namespace separator.");
            }
        }
        if (members.Length == 0 || members.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != members.Length)
        {
            throw Error(list, $"profile '{name}' needs at least one server, each named once.");
        }
        var instruction = Optional(profile, "instruction") is { } i ? Text(i, "instruction") : null;
        return new ProfileConfig(name, tenant, apiKey, [.. members.Select(m => m.Name)], instruction);
    }

    private static CallerConfig ReadCaller(YamlNode node, string tenant, Func<string, string?> environment)
    {
        var caller = node as YamlMappingNode ?? throw Error(node, "a caller must be a mapping with 'name' and 'key' or 'keyEnv'.");
        CheckKeys(caller, s_callerKeys);
        var name = EndpointName(caller, "caller");
        var key = Secret(caller, "key", "keyEnv", $"caller '{name}' of tenant '{tenant}'", environment);
        if (key.Length < 16)
        {
            throw Error(caller, $"caller '{name}' of tenant '{tenant}': a key must be at least 16 characters.");
        }
        return new CallerConfig(name, tenant, key);
    }

    private static LogLevel LogLevelOf(YamlNode node)
    {
        var text = Text(node, "logLevel");
        return Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level
            : throw Error(node, $"'logLevel' must be one of {string.Join(", ", Enum.GetNames<LogLevel>())}, not '{text}'.");
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
        var mode = Optional(http, "mode") switch
        {
            null => defaults.Mode,
            var modeNode => Text(modeNode, "mode") switch
            {
                "hybrid" => HttpSessionMode.Hybrid,
                "stateful" => HttpSessionMode.Stateful,
                "stateless" => HttpSessionMode.Stateless,
                var other => throw Error(modeNode, $"'mode' must be 'hybrid', 'stateful' or 'stateless', not '{other}'."),
            },
        };
        var idle = Optional(http, "sessionIdleTimeout") is { } timeout ? Duration(timeout, "sessionIdleTimeout") : defaults.SessionIdleTimeout;
        var origins = Strings(Optional(http, "allowedOrigins"), "allowedOrigins") ?? defaults.AllowedOrigins;
        var hosts = Strings(Optional(http, "allowedHosts"), "allowedHosts") ?? defaults.AllowedHosts;
        return new HttpDownstreamConfig { Mode = mode, SessionIdleTimeout = idle, AllowedOrigins = origins, AllowedHosts = hosts };
    }

    private static string[]? Strings(YamlNode? node, string what) => node switch
    {
        null => null,
        YamlSequenceNode list => [.. list.Select(a => Text(a, what + " item"))],
        var other => throw Error(other, $"'{what}' must be a list of strings."),
    };

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
        var name = EndpointName(server, "server");
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
        if (url is not null && (Optional(server, "args") ?? Optional(server, "env") ?? Optional(server, "inheritEnv") ?? Optional(server, "cwd")) is { } stdioOnly)
        {
            throw Error(stdioOnly, $"server '{name}': 'args', 'env', 'inheritEnv' and 'cwd' apply to a 'command', not to a 'url'.");
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
        var inherit = Strings(Optional(server, "inheritEnv"), "inheritEnv") ?? [];
        if (inherit.FirstOrDefault(UpstreamEnvironment.IsGatewaySecret) is { } forbidden)
        {
            throw Error(server["inheritEnv"], $"server '{name}': 'inheritEnv' may not pass the gateway's own '{forbidden}' to an upstream.");
        }
        var relay = Strings(Optional(server, "relay"), "relay") ?? [];
        if (relay.FirstOrDefault(r => !s_relayable.Contains(r, StringComparer.Ordinal)) is { } unknown)
        {
            throw Error(server["relay"], $"server '{name}': 'relay' may list {string.Join(", ", s_relayable)}, not '{unknown}'.");
        }
        return new UpstreamServerConfig(name, tenant, apiKey, command, arguments, environment, cwd, url, instruction)
        {
            InheritEnvironment = inherit,
            Relay = new HashSet<string>(relay, StringComparer.Ordinal),
        };
    }

    private static string EndpointName(YamlMappingNode map, string what)
    {
        var name = Text(Required(map, "name"), "name");
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Error(map["name"], $"{what} name '{name}' may hold only ASCII letters, digits, '-', '_' and '.' (it is part of a URL path).");
        }
        return name;
    }

    private static string ApiKey(YamlMappingNode tenant, string tenantName, Func<string, string?> environment) =>
        Secret(tenant, "apiKey", "apiKeyEnv", $"tenant '{tenantName}'", environment);

    /// <summary>A secret given either literally (<paramref name="literalKey"/>) or as the environment variable holding it.</summary>
    private static string Secret(YamlMappingNode map, string literalKey, string variableKey, string owner, Func<string, string?> environment)
    {
        var literal = Optional(map, literalKey);
        var variable = Optional(map, variableKey);
        if ((literal is null) == (variable is null))
        {
            throw Error(map, $"{owner} needs exactly one of '{literalKey}' (the key) or '{variableKey}' (the environment variable holding it).");
        }
        if (literal is not null)
        {
            return Text(literal, literalKey);
        }
        var name = Text(variable!, variableKey);
        return environment(name) is { Length: > 0 } key
            ? key
            : throw Error(variable!, $"{owner}: the environment variable '{name}' named by '{variableKey}' is not set.");
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
