using System.Reflection;

namespace SafeMcp.Silo.Storage;

/// <summary>The versioned SQL files <c>infra/migrations/&lt;store&gt;/NNNN_name.sql</c>, embedded in the silo, in version order.</summary>
internal static class EmbeddedMigrations
{
    /// <summary>The migrations of <paramref name="store"/> ("sqlite", "postgres").</summary>
    public static IEnumerable<(int Version, string Name, string Sql)> Of(string store)
    {
        var prefix = $"migrations.{store}.";
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_')), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, name, reader.ReadToEnd());
        }
    }
}
