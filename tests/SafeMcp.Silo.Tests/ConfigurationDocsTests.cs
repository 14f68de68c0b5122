using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using SafeMcp.Testing;

namespace SafeMcp.Silo.Tests;

/// <summary>
/// docs/configuration.md against the options classes: every settable property of every <c>*Options</c> class of the
/// silo, grains and gateway assemblies has a row with its default, and that default is the one the code has.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string[] s_grainAssemblies = ["SafeMcp.Grains", "SafeMcp.WorldModel", "SafeMcp.Contracts"];

    [Fact]
    public void Every_option_is_documented_with_the_default_the_code_has()
    {
        var documented = DocumentedDefaults(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md")));
        var problems = new List<string>();
        var options = OptionsTypes().ToArray();
        Assert.Contains(options, t => t.Name == "SiloOptions");
        Assert.Contains(options, t => t.Name == "GatewayOptions");
        foreach (var type in options)
        {
            var instance = Activator.CreateInstance(type, nonPublic: true)!;
            foreach (var (name, value) in Defaults(instance, prefix: ""))
            {
                var key = $"{type.Name}.{name}";
                if (!documented.TryGetValue(key, out var written))
                {
                    problems.Add($"missing: {key}, default `{value}`");
                }
                else if (Expand(written) != value)
                {
                    problems.Add($"wrong default: {key} is documented as `{written}`, the code has `{value}`");
                }
            }
        }
        Assert.True(problems.Count == 0, "docs/configuration.md does not match the options classes:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void A_row_with_a_default_the_code_does_not_have_is_caught()
    {
        var documented = DocumentedDefaults("""
            ## `Storage:GroupCommit` (`GroupCommitOptions`)

            | Option | Default | What it sets |
            |---|---|---|
            | `MaxBatch` | `511` | most writes a transaction |
            """);
        var code = Defaults(new Storage.GroupCommitOptions(), "").ToDictionary(d => d.Name, d => d.Value);
        Assert.Equal("511", documented["GroupCommitOptions.MaxBatch"]);
        Assert.NotEqual(documented["GroupCommitOptions.MaxBatch"], code["MaxBatch"]);
    }

    /// <summary>The <c>*Options</c> classes of the silo (with what it loads of the grains) and the gateway.</summary>
    private static IEnumerable<Type> OptionsTypes()
    {
        var assemblies = new List<Assembly> { typeof(SiloOptions).Assembly };
        assemblies.AddRange(s_grainAssemblies.Select(name => Assembly.Load(name)));
        assemblies.Add(LoadGateway());
        return assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal) && !t.IsNested
                && t.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
    }

    /// <summary>The gateway is a program of its own: loaded from its build folder, its dependencies resolved from there.</summary>
    private static Assembly LoadGateway()
    {
        var path = RepositoryPaths.BuiltAssembly("clients/SafeMcp.Gateway", "safemcp-gateway");
        var folder = Path.GetDirectoryName(path)!;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            File.Exists(Path.Combine(folder, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(folder, name.Name + ".dll")) : null;
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    /// <summary>Each settable property's default as the docs write it; a property of a record or class type is expanded (<c>Shape.Dim</c>).</summary>
    private static IEnumerable<(string Name, string Value)> Defaults(object instance, string prefix)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public).OrderBy(p => p.MetadataToken))
        {
            if (property.SetMethod is not { IsPublic: true } || property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var value = property.GetValue(instance);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (value is not null && type.IsClass && type != typeof(string) && !typeof(Delegate).IsAssignableFrom(type))
            {
                foreach (var nested in Defaults(value, prefix + property.Name + "."))
                {
                    yield return nested;
                }
                continue;
            }
            if (typeof(Delegate).IsAssignableFrom(type))
            {
                continue;
            }
            yield return (prefix + property.Name, Format(value));
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    /// <summary>Placeholders for defaults that differ by machine and process.</summary>
    private static string Expand(string written) =>
        written.Replace("{machine}", Environment.MachineName, StringComparison.Ordinal)
            .Replace("{pid}", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Class.Property → default, from sections headed by a class name in backticks and their table rows.</summary>
    private static Dictionary<string, string> DocumentedDefaults(string markdown)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? type = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                type = heading.Groups[1].Value;
            }
            else if (type is not null && Row().Match(line) is { Success: true } row)
            {
                result[$"{type}.{row.Groups[1].Value}"] = row.Groups[2].Value;
            }
        }
        return result;
    }

    [GeneratedRegex(@"^#{2,3} .*\(`(\w+Options)`\)\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|\s*`([\w.]+)`\s*\|\s*`([^`]*)`\s*\|")]
    private static partial Regex Row();
}
