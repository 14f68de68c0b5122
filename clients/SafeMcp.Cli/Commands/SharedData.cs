namespace SafeMcp.Cli.Commands;

/// <summary>Finds the shared reference data folder: an explicit path, SAFEMCP_DATA, or ../shared/data beside the repository.</summary>
internal static class SharedData
{
    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }
        if (Environment.GetEnvironmentVariable("SAFEMCP_DATA") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "SafeMcp.Cluster.sln")))
                {
                    return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data"));
                }
            }
        }
        return Path.Combine("..", "shared", "data");
    }
}
